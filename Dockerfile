# syntax=docker/dockerfile:1.7
#
# One image for every role of the auction platform. The `platform` binary runs the roles
# named by `SERVICES` (`all`, `gateway`, `auction`, `bidding`, `notification`, `search`);
# Kubernetes and compose start one container per role from this same image.
#
#   docker build -t auction-platform .
#   docker run --rm -e SERVICES=all -e DATABASE_URL=postgres://... -p 8080:8080 auction-platform

ARG RUST_VERSION=1.95
ARG DEBIAN_RELEASE=bookworm
ARG NODE_VERSION=20

# The web front end: the same npm commands as scripts/run.sh, dependencies first so a
# source change does not download them again.
FROM node:${NODE_VERSION}-${DEBIAN_RELEASE}-slim AS web
WORKDIR /web
COPY web/package.json web/package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY web/ ./
RUN npm run build --silent

FROM rust:${RUST_VERSION}-${DEBIAN_RELEASE} AS build
# librdkafka is compiled from source by rdkafka-sys: it needs a C toolchain, cmake and
# pkg-config (the same packages scripts/lib.sh installs for native builds). Debian's
# security updates move within a release, so the packages are not pinned.
# hadolint ignore=DL3008
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      build-essential cmake pkg-config \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# The same command, profile and default features as the native release build. The
# registry and target folders are build caches, so the binary is copied out of them.
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked --bin platform \
 && install -D -m 0755 target/release/platform /out/platform

FROM debian:${DEBIAN_RELEASE}-slim AS runtime
# hadolint ignore=DL3008
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/*
# `healthcheck PORT [PATH]` exits 0 when http://127.0.0.1:PORT/PATH answers 200. Compose
# health checks use it; the image carries no HTTP client of its own. The single quotes
# are meant: the lines are written out literally.
# hadolint ignore=SC2016
RUN printf '%s\n' \
      '#!/bin/bash' \
      'exec 3<>"/dev/tcp/127.0.0.1/${1:?usage: healthcheck PORT [PATH]}" || exit 1' \
      'printf "GET %s HTTP/1.0\r\nHost: localhost\r\n\r\n" "${2:-/readyz}" >&3' \
      'read -r -t 5 _ status _ <&3 || exit 1' \
      '[ "$status" = 200 ]' \
      > /usr/local/bin/healthcheck \
 && chmod 0755 /usr/local/bin/healthcheck
RUN groupadd --system --gid 10001 platform \
 && useradd --system --uid 10001 --gid platform --home-dir /nonexistent --no-create-home \
      --shell /usr/sbin/nologin platform
COPY --from=build /out/platform /usr/local/bin/platform
COPY --from=web /web/dist /usr/share/auction-platform/web
# Inside a container every role listens on all interfaces (the binary's default is
# loopback, right for one machine and wrong behind a container network). The gateway
# serves the front end from WEB_DIR.
ENV GATEWAY_HOST=0.0.0.0 \
    SERVICE_HOST=0.0.0.0 \
    WEB_DIR=/usr/share/auction-platform/web
USER 10001:10001
# gateway, auction, bidding, notification, search
EXPOSE 8080 8081 8082 8083 8084
ENTRYPOINT ["/usr/local/bin/platform"]
