# Gravix: one image with the runnable jar. Build context: the repository root.
#   docker build -t gravix .
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
COPY proto proto
COPY gravix-api gravix-api
COPY gravix-service gravix-service
COPY bench bench
RUN mvn -B -q -pl gravix-service -am package -DskipTests

FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 gravix && mkdir -p /data && chown gravix /data
WORKDIR /app
COPY --from=build /src/gravix-service/target/gravix.jar /app/gravix.jar
COPY config.yml /app/config.yml
USER gravix
# The development key of config.yml's quick start is public: never on in the image.
ENV GRAVIX_DATA_DIR=/data GRAVIX_DEV_KEY=false
VOLUME /data
EXPOSE 8080 8081
# SIGTERM (docker stop) drains in-flight requests, fsyncs and seals: give it time (stop_grace_period).
# Heap: 60 % of the container's memory. A rollup run holds about twice its spool bytes (64 MiB
# runs by default, at most an eighth of the heap), plus the seen-id index (RUNBOOK "Capacity").
# The whole heap committed from the start: G1 starts marking at 45 % of the committed heap,
# and a smaller one puts that under the rollup's steady live set (RUNBOOK "Capacity: heap").
ENTRYPOINT ["java", "-XX:+ExitOnOutOfMemoryError", "-XX:InitialRAMPercentage=60", "-XX:MaxRAMPercentage=60", "-jar", "/app/gravix.jar"]
CMD ["server", "/app/config.yml"]
