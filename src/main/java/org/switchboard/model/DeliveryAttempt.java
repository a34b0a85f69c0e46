package org.switchboard.model;

/** One try of a delivery: when, the HTTP status or the error, how long it took, and the start of the answer. */
public record DeliveryAttempt(int attempt, long at, Integer statusCode, String error, long durationMs, String response) {}
