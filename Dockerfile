# One image for the iora collector and the example app under the agent (docker-compose.yml picks the
# command). Built from the repository: the example app's frameworks and drivers are devDependencies,
# so the full dependency tree stays in the image.
FROM node:20.20.2-bookworm-slim

WORKDIR /opt/iora
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

COPY tsconfig.json tsconfig.build.json ./
COPY src src
COPY instrumentation instrumentation
COPY pipelines pipelines
COPY examples examples
RUN npm run build

# State (baselines, heap snapshots) lives on a volume; created here so it belongs to the runtime user.
RUN mkdir -p /var/lib/iora && chown node:node /var/lib/iora
ENV NODE_ENV=production IORA_DATA_DIR=/var/lib/iora
USER node

EXPOSE 4318 9464
CMD ["node", "dist/src/cli/main.js", "collector", "--config", "pipelines/collector.yaml"]
