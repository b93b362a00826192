package io.gravix.rollup;

import io.gravix.store.ObjectInfo;
import io.gravix.store.ObjectStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/** A real store whose every call fails like an unreachable S3 while {@link #down} is set; counts puts. */
final class SwitchableStore implements ObjectStore {
    final AtomicBoolean down = new AtomicBoolean();
    final AtomicInteger puts = new AtomicInteger();
    final AtomicInteger verifies = new AtomicInteger();
    private final ObjectStore delegate;

    SwitchableStore(ObjectStore delegate) {
        this.delegate = delegate;
    }

    private void check() throws IOException {
        if (down.get()) {
            throw new IOException("Connection refused (simulated store outage)");
        }
    }

    @Override
    public void put(String key, Path finishedLocalFile) throws IOException {
        check();
        puts.incrementAndGet();
        delegate.put(key, finishedLocalFile);
    }

    @Override
    public InputStream open(String key) throws IOException {
        check();
        return delegate.open(key);
    }

    @Override
    public List<ObjectInfo> list(String prefix) throws IOException {
        check();
        return delegate.list(prefix);
    }

    @Override
    public void delete(String key) throws IOException {
        check();
        delegate.delete(key);
    }

    @Override
    public boolean exists(String key) throws IOException {
        check();
        return delegate.exists(key);
    }

    @Override
    public void verify() throws IOException {
        verifies.incrementAndGet();
        check();
        delegate.verify();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
