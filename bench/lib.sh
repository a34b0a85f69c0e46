# Shared by the bench scripts: a JDK 21+ (as the launcher finds it) and the test classpath.
JAVA_HOME=$(bash -c 'source <(sed -n "/^java_major()/,/^}/p;/^find_jdk()/,/^}/p" ./switchboard); find_jdk')
export JAVA_HOME
classpath() {
  ./mvnw -q -B dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >/dev/null
  cat target/bench.classpath
}
