# syntax=docker/dockerfile:1
# Multi-stage: build a static binary with the official Go image, run it on distroless as nonroot.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/edge ./cmd/edge

FROM gcr.io/distroless/static-debian12:nonroot
WORKDIR /app
COPY --from=build /out/edge /app/edge
COPY configs/ /app/configs/
ENV EDGE_ADDR=:8080 \
    EDGE_CONTENT=/app/configs/content.yaml \
    EDGE_DATA_DIR=/home/nonroot/data
USER nonroot:nonroot
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=5s --start-period=5s --retries=3 CMD ["/app/edge", "healthcheck"]
ENTRYPOINT ["/app/edge"]
CMD ["serve"]
