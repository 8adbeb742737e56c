# One image for the whole suite: the gateway (default CMD) and every gRPC service
# (`python -m services.<name>`, chosen by docker-compose.yml's `command`).
FROM python:3.11-slim AS app

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    TMIS_HTTP_HOST=0.0.0.0 \
    TMIS_GRPC_HOST=0.0.0.0

WORKDIR /app

# Runtime dependencies only (no dev/embedded extras), pinned by constraints.txt. This layer
# is rebuilt only when pyproject.toml or constraints.txt change, not on every source edit.
COPY pyproject.toml constraints.txt ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > /tmp/requirements.txt \
 && pip install -c constraints.txt -r /tmp/requirements.txt \
 && rm /tmp/requirements.txt

# The project itself (its dependencies are already there), then any province plugin
# packages under plugins/ (each its own distribution, found through entry points).
# `COPY . .` (filtered by .dockerignore) rather than one COPY per folder: an empty plugins/
# is not in a git clone, and a COPY of a missing folder fails the build.
COPY . .
RUN pip install --no-deps . \
 && for p in plugins/*/; do \
      if [ -f "$p/pyproject.toml" ]; then pip install -c constraints.txt "$p" || exit 1; fi; \
    done \
 && rm -rf build *.egg-info plugins/*/build plugins/*/*.egg-info

RUN useradd --uid 10001 --create-home --shell /usr/sbin/nologin tmis
USER tmis

EXPOSE 8000 50051
CMD ["python", "-m", "gateway"]

# The browser client, built with node and served by the gateway at / (TMIS_WEB_DIR); its typed
# operations are generated from the committed printed schema, so a mismatch fails the build.
FROM node:20-slim AS web
WORKDIR /src/web
COPY web/package.json web/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY web/ ./
COPY gateway/schema.graphql /src/gateway/schema.graphql
RUN npm run build

FROM app
COPY --from=web /src/web/dist /app/web/dist
ENV TMIS_WEB_DIR=/app/web/dist
