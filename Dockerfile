# One image per service, built from the whole workspace: docker build --build-arg SERVICE=trust .
# Not exercised on the development machines (no Docker engine there); skaffold.yaml uses it.
FROM node:24-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
COPY apps apps
COPY libs libs
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.base.json tsconfig.build.json ./
RUN npx tsc -b tsconfig.build.json && npm prune --omit=dev

FROM node:24-bookworm-slim
ARG SERVICE
ENV NODE_ENV=production OMEGA_SERVICE=${SERVICE}
WORKDIR /app
COPY --from=build /src /app
USER node
CMD ["sh", "-c", "exec node apps/${OMEGA_SERVICE}/dist/main.js"]
