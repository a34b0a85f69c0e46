# Shared by the bench scripts: a JDK 21+ (as the launcher finds it) and the test classpath.
JAVA_HOME=$(bash -c 'source <(sed -n "/^java_major()/,/^}/p;/^find_jdk()/,/^}/p" ./switchboard); find_jdk')
export JAVA_HOME
classpath() {
  ./mvnw -q -B dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >/dev/null
  cat target/bench.classpath
}
# Runs a bench main class (after `./mvnw package test-compile`) with the nodes' JVM options as `./switchboard serve`
# has them (SWITCHBOARD_JAVA_OPTS or the launcher's default) and serve's start-up archive, as system properties.
run_with_node_options() {
  local main=$1; shift
  local cp java_opts
  cp=$(classpath)
  java_opts=$(sed -n 's/^DEFAULT_JAVA_OPTS="\(.*\)"$/\1/p' switchboard)
  "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Xmx1g -Dswitchboard.javaOpts="${SWITCHBOARD_JAVA_OPTS:-$java_opts}" \
    -Dswitchboard.archiveOpts="$(./switchboard archive-options)" \
    -cp "target/test-classes:target/classes:$cp" "$main" "$@"
}
