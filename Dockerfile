# kaspool pool process. It needs no treasury key: only the payout process signs.
FROM oven/bun:1.4.5-slim
WORKDIR /app
COPY package.json bun.lock ./
RUN bun install --frozen-lockfile --production
COPY index.ts bunfig.toml tsconfig.json init.sql ./
COPY src ./src
COPY wasm ./wasm
COPY config ./config
RUN mkdir -p /app/data && chown bun:bun /app/data
USER bun
EXPOSE 5555 5556 8080
CMD ["bun", "run", "index.ts"]
