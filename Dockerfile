# Build: the release binary only (the SDK test crates are not compiled).
FROM rust:1-slim-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked -p orgsim --bin orgsim

# Run: a small Debian image, a non-root user, bound to every interface.
FROM debian:bookworm-slim
RUN useradd --system --uid 10001 --no-create-home orgsim
COPY --from=build /src/target/release/orgsim /usr/local/bin/orgsim
# The chapters, so a class can start from one: `serve --scenario /scenarios/03-….yaml`.
COPY --from=build /src/scenarios /scenarios
USER orgsim
EXPOSE 4566
ENV ORGSIM_HOST=0.0.0.0 \
    ORGSIM_PORT=4566
HEALTHCHECK --interval=10s --timeout=2s CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/4566"]
ENTRYPOINT ["orgsim"]
CMD ["serve"]
