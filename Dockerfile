# Moltbot in a container: Bun plus the project; the gateway listens on 18789 on all interfaces,
# which it only does with a token:  docker run -e MOLTBOT_TOKEN=... -p 18789:18789 -v moltbot:/data moltbot
# Data (config.yaml, policy.yaml, skills, audit log, memory) lives in /data (MOLTBOT_HOME).
# browser_control and camera_access need Chromium and ffmpeg; add them if you use those skills:
#   RUN apt-get update && apt-get install -y --no-install-recommends chromium ffmpeg
FROM oven/bun:1
WORKDIR /app
COPY package.json bun.lock ./
RUN bun install --frozen-lockfile --production
COPY . .
ENV MOLTBOT_HOME=/data
RUN mkdir -p /data && chown bun:bun /data
VOLUME /data
EXPOSE 18789
USER bun
CMD ["bun", "runtime/cli/main.ts", "gateway", "--host", "0.0.0.0"]
