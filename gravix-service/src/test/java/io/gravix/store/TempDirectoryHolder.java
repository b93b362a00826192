package io.gravix.store;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Run as its own process by {@link LocalObjectStoreTest}: opens a store on the lake named by
 * its argument, leaves a put "in flight" in its temp directory, prints that file's path and
 * waits to be killed.
 */
public final class TempDirectoryHolder {
    private TempDirectoryHolder() {}

    public static void main(String[] args) throws Exception {
        LocalObjectStore store = new LocalObjectStore(Path.of(args[0]));
        Path put = Files.writeString(store.claimTempDirectory().newTempFile(), "in flight in another process");
        System.out.println(put);
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
