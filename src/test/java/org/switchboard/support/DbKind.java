package org.switchboard.support;

/** The two databases every storage test runs on. */
public enum DbKind { SQLITE, POSTGRES }
