FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# Noto Sans CJK SC (SIL OFL 1.1), embedded in every court case file.
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY . /app
RUN pip install . \
    && useradd --system --create-home --uid 10001 registry \
    && mkdir -p /data \
    && chown registry:registry /data

USER registry
ENV REGISTRY_DATABASE_URL=sqlite:////data/registry.db
VOLUME ["/data"]
EXPOSE 8000

CMD ["registry", "serve", "--host", "0.0.0.0", "--port", "8000"]
