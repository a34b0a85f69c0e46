# Switchboard as a container: built with the Maven Wrapper on Debian's JDK 21, run on Debian's JRE 21.
#   docker build -t switchboard .
#   docker run -p 8080:8080 -v switchboard-data:/var/lib/switchboard switchboard       (embedded SQLite)
# Several nodes on PostgreSQL: deploy/docker-compose.yml and docs/deploy.md.
FROM debian:trixie-slim AS build
RUN apt-get update && apt-get install -y --no-install-recommends openjdk-21-jdk-headless ca-certificates \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY .mvn .mvn
COPY mvnw pom.xml ./
RUN ./mvnw -q -B dependency:go-offline
COPY src src
RUN ./mvnw -q -B -DskipTests package

FROM debian:trixie-slim
RUN apt-get update && apt-get install -y --no-install-recommends openjdk-21-jre-headless curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /var/lib/switchboard switchboard \
    && mkdir -p /var/lib/switchboard && chown switchboard /var/lib/switchboard && chmod 700 /var/lib/switchboard
COPY --from=build /src/target/switchboard.jar /opt/switchboard/switchboard.jar
# Start-up archive: a rehearsal (a start on a scratch directory, the demo trigger fired once, a stop) writes the classes
# a start loads, and every container start maps them (docs/decisions.md, "A start-up archive of the jar's classes").
# If it fails, the image has no archive and the JVM starts as before; the ENTRYPOINT's flags are then silent.
RUN timeout 180 java -XX:+UseParallelGC -XX:ArchiveClassesAtExit=/opt/switchboard/switchboard.jsa \
      -Xlog:cds=off,cds+dynamic=off -jar /opt/switchboard/switchboard.jar rehearse \
    || rm -f /opt/switchboard/switchboard.jsa
USER switchboard
ENV SWITCHBOARD_DATA_DIR=/var/lib/switchboard \
    SWITCHBOARD_HTTP_PORT=8080 \
    SWITCHBOARD_LOG_FORMAT=json \
    SWITCHBOARD_DEMO=false \
    JAVA_TOOL_OPTIONS="-XX:+UseParallelGC -XX:MaxRAMPercentage=50"
VOLUME /var/lib/switchboard
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD curl -fsS http://127.0.0.1:8080/readyz || exit 1
# SIGTERM drains within 10 s; give the container at least 15 s to stop (docker stop -t 15).
STOPSIGNAL SIGTERM
ENTRYPOINT ["java", "-XX:SharedArchiveFile=/opt/switchboard/switchboard.jsa", "-Xlog:cds=off,cds+dynamic=off", \
            "-jar", "/opt/switchboard/switchboard.jar", "serve"]
