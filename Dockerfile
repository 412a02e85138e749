# Minimal image: Bun plus the project, gateway on 18789. Data lives in /data (MOLTBOT_HOME).
FROM oven/bun:1
WORKDIR /app
COPY package.json bun.lock ./
RUN bun install --frozen-lockfile --production
COPY . .
ENV MOLTBOT_HOME=/data
VOLUME /data
EXPOSE 18789
USER bun
CMD ["bun", "runtime/cli/main.ts", "gateway", "--host", "0.0.0.0"]
