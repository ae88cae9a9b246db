package dev.provisioning.common.logging;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.spi.MDCAdapter;

/**
 * An MDC bound to the thread that set it and to no other. SLF4J's {@code BasicMDCAdapter} keeps
 * its map in an {@code InheritableThreadLocal}, so a thread started during an invocation (an SDK or
 * Netty worker) would carry that invocation's request id on its lines for ever after.
 */
final class ThreadBoundMdcAdapter implements MDCAdapter {

    private final ThreadLocal<Map<String, String>> values = ThreadLocal.withInitial(HashMap::new);
    private final ThreadLocal<Map<String, Deque<String>>> deques = ThreadLocal.withInitial(HashMap::new);

    @Override
    public void put(String key, String value) {
        values.get().put(key, value);
    }

    @Override
    public String get(String key) {
        return values.get().get(key);
    }

    @Override
    public void remove(String key) {
        values.get().remove(key);
    }

    @Override
    public void clear() {
        values.get().clear();
    }

    @Override
    public Map<String, String> getCopyOfContextMap() {
        return new HashMap<>(values.get());
    }

    @Override
    public void setContextMap(Map<String, String> contextMap) {
        Map<String, String> map = values.get();
        map.clear();
        map.putAll(contextMap);
    }

    @Override
    public void pushByKey(String key, String value) {
        deques.get().computeIfAbsent(key, k -> new ArrayDeque<>()).push(value);
    }

    @Override
    public String popByKey(String key) {
        Deque<String> deque = deques.get().get(key);
        return deque == null ? null : deque.poll();
    }

    @Override
    public Deque<String> getCopyOfDequeByKey(String key) {
        Deque<String> deque = deques.get().get(key);
        return deque == null ? null : new ArrayDeque<>(deque);
    }

    @Override
    public void clearDequeByKey(String key) {
        Deque<String> deque = deques.get().get(key);
        if (deque != null) {
            deque.clear();
        }
    }
}
