package io.gravix.store;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * An SDK interceptor for tests: counts the HTTP attempts of each S3 operation
 * ({@code "PutObject"}, {@code "UploadPart"}, ...; retries count again) and runs
 * test hooks before an operation starts or after it succeeded (to inject failures).
 */
final class SdkCalls implements ExecutionInterceptor {
    private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
    private final List<Hook> beforeHooks = new CopyOnWriteArrayList<>();
    private final List<Hook> afterHooks = new CopyOnWriteArrayList<>();

    private record Hook(String operation, Consumer<Integer> action) {}

    private final Map<String, AtomicInteger> executions = new ConcurrentHashMap<>();

    static String operation(SdkRequest request) {
        return request.getClass().getSimpleName().replaceFirst("Request$", "");
    }

    int attempts(String operation) {
        AtomicInteger n = attempts.get(operation);
        return n == null ? 0 : n.get();
    }

    int totalAttempts() {
        return attempts.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    /** Runs {@code action} (given the 1-based count of calls of that operation so far) as each call of {@code operation} starts. */
    SdkCalls before(String operation, Consumer<Integer> action) {
        beforeHooks.add(new Hook(operation, action));
        return this;
    }

    /** Runs {@code action} after each successful call of {@code operation}. */
    SdkCalls after(String operation, Consumer<Integer> action) {
        afterHooks.add(new Hook(operation, action));
        return this;
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        String operation = operation(context.request());
        int n = executions.computeIfAbsent(operation, k -> new AtomicInteger()).incrementAndGet();
        beforeHooks.stream().filter(h -> h.operation().equals(operation)).forEach(h -> h.action().accept(n));
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        attempts.computeIfAbsent(operation(context.request()), k -> new AtomicInteger()).incrementAndGet();
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        String operation = operation(context.request());
        int n = executions.get(operation).get();
        afterHooks.stream().filter(h -> h.operation().equals(operation)).forEach(h -> h.action().accept(n));
    }
}
