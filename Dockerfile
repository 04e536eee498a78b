# ipfacts: the Telegram bot. Build:  docker build -t ipfacts .
# Run:    docker run -d --name ipfacts -e IPFACTS_BOT_TOKEN -v ipfacts-data:/home/ipfacts/data ipfacts
# The token is passed by environment only: it is never written into the image.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN groupadd --gid 10001 ipfacts \
    && useradd --create-home --uid 10001 --gid 10001 --shell /usr/sbin/nologin ipfacts

WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY facts ./facts
COPY intents ./intents
RUN pip install --no-cache-dir . && rm -rf /src

# Numeric, so that runtimes enforcing non-root users can verify it.
USER 10001:10001
WORKDIR /home/ipfacts
ENV IPFACTS_DB=/home/ipfacts/data/ipfacts.db \
    IPFACTS_STATE_FILE=/home/ipfacts/data/bot-state.pickle \
    IPFACTS_HEARTBEAT_FILE=/tmp/ipfacts-heartbeat \
    IPFACTS_WEBHOOK_LISTEN=0.0.0.0 \
    IPFACTS_WEBHOOK_PORT=8443

# The fact database is built now, so the container answers from its first second.
RUN ipfacts build

# Webhook mode only (ipfacts serve --webhook-url ...); long polling needs no open port.
EXPOSE 8443
# Fresh while getUpdates succeeds (polling) or the webhook server runs: see bot/health.py.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 CMD ["python", "-m", "bot.health"]
ENTRYPOINT ["ipfacts", "serve"]
