# varhlh container image: slim Python, non-root, `varhlh --version` healthcheck, OCI labels.
#   docker build -t varhlh:0.1.0 .
#   docker run --rm -v "$PWD":/data varhlh:0.1.0 varhlh triage patient.vcf.gz -o results/
# No ENTRYPOINT: workflow engines (Nextflow, Snakemake) run their own command line in the container.
# Stage 1 builds the wheel from this checkout; stage 2 installs only the wheel (with the phenopacket extra).

FROM python:3.11-slim-bookworm AS build
WORKDIR /src
COPY pyproject.toml README.md LICENSE ./
COPY varhlh ./varhlh
COPY gene_panels ./gene_panels
RUN pip install --no-cache-dir --disable-pip-version-check "hatchling==1.33.0" \
    && pip wheel --no-cache-dir --disable-pip-version-check --no-deps --no-build-isolation --wheel-dir /dist .

FROM python:3.11-slim-bookworm
ARG VERSION=0.1.0
LABEL org.opencontainers.image.title="varhlh" \
      org.opencontainers.image.description="Triage of sequencing variants for familial haemophagocytic lymphohistiocytosis (HLH); decision support, not a diagnosis" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.source="https://github.com/varhlh/varhlh" \
      org.opencontainers.image.url="https://github.com/varhlh/varhlh" \
      org.opencontainers.image.documentation="https://github.com/varhlh/varhlh#readme" \
      org.opencontainers.image.vendor="varhlh developers" \
      org.opencontainers.image.base.name="docker.io/library/python:3.11-slim-bookworm"
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
COPY --from=build /dist/ /tmp/dist/
RUN pip install --no-cache-dir "$(ls /tmp/dist/varhlh-*.whl)[phenopacket]" \
    && rm -rf /tmp/dist \
    && useradd --create-home --uid 1000 --shell /usr/sbin/nologin varhlh
USER 1000:1000
WORKDIR /data
HEALTHCHECK --interval=30s --timeout=10s --retries=3 CMD ["varhlh", "--version"]
CMD ["varhlh", "--help"]
