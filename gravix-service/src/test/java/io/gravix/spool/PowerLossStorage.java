package io.gravix.spool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

/**
 * A {@link SpoolStorage} that can lose power: the test's model of a disk with a volatile
 * write cache under a file system that makes no promise beyond POSIX.
 *
 * <p>It writes through to real files (so the code under test reads what it wrote) and
 * keeps, per file, the bytes a completed {@code force()} made durable and the 4 KiB pages
 * written since. Per directory it keeps the entries the last directory fsync made durable
 * and the creates, renames and deletes done since. {@link #powerLoss} then rewrites the
 * directories as the disk might hold them after the power came back:
 * <ul>
 *   <li>a file's durable bytes are there; every page written since its last force is,
 *       independently and in any order, the new bytes, the old ones (zero past the durable
 *       length), stale garbage past the durable length, or torn: a mix of new and old
 *       512-byte sectors; the file's length is its durable length, its written length, or
 *       anything between;
 *   <li>the directory holds its durable entries plus a prefix of the operations done
 *       since (journaled metadata is applied in order, but any suffix may be missing).
 * </ul>
 * The power goes off after a given number of mutating calls ({@code failAfterOps}): that
 * call takes effect in the page cache (a write, create or rename in flight) or not at all
 * (a force or directory fsync), and it and every later call throw, as a dead machine would
 * answer nothing.
 */
final class PowerLossStorage implements SpoolStorage {
    static final int PAGE = 4096;
    static final int SECTOR = 512;

    private final Map<Path, Inode> live = new HashMap<>();
    private final Map<Path, DirectoryState> directories = new HashMap<>();
    private final Map<String, Integer> callCounts = new HashMap<>();
    private long opsLeft;
    private boolean powerLost;
    private int directoryOpsLost;

    /** Loses power on the {@code failAfterOps}-th mutating call ({@code Long.MAX_VALUE}: only on {@link #cutPower}). */
    PowerLossStorage(long failAfterOps) {
        this.opsLeft = failAfterOps;
    }

    /** Adopts the files already in {@code directory} as durable (the state after a reboot). */
    synchronized PowerLossStorage adopt(Path directory) throws IOException {
        DirectoryState dir = directory(directory);
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.toList()) {
                Inode inode = new Inode();
                inode.content = Files.readAllBytes(file);
                inode.durable = inode.content.clone();
                live.put(file, inode);
                dir.durable.put(file.getFileName().toString(), inode);
            }
        }
        return this;
    }

    synchronized boolean powerLost() {
        return powerLost;
    }

    /** Cuts the power now, if the call budget has not already. */
    synchronized void cutPower() {
        powerLost = true;
    }

    /** Directory operations the last {@link #powerLoss} dropped. */
    synchronized int directoryOpsLost() {
        return directoryOpsLost;
    }

    /** How often each kind of call has been made (for a test to check its workload reached them). */
    synchronized Map<String, Integer> callCounts() {
        return Map.copyOf(callCounts);
    }

    /**
     * Rewrites every directory this storage knows as it might be after the power loss,
     * choosing pages, lengths and directory operations with {@code random}; returns a
     * description of the choices, for a failure message.
     */
    synchronized String powerLoss(Random random) throws IOException {
        powerLost = true;
        StringBuilder what = new StringBuilder();
        for (Map.Entry<Path, DirectoryState> e : directories.entrySet()) {
            DirectoryState dir = e.getValue();
            int kept = random.nextInt(dir.pending.size() + 1);
            directoryOpsLost += dir.pending.size() - kept;
            Map<String, Inode> entries = new LinkedHashMap<>(dir.durable);
            for (DirectoryOp op : dir.pending.subList(0, kept)) {
                op.applyTo(entries);
            }
            what.append(e.getKey().getFileName()).append(": kept ").append(kept).append(" of unsynced ").append(dir.pending)
                    .append('\n');
            try (Stream<Path> files = Files.list(e.getKey())) {
                for (Path file : files.toList()) {
                    Files.delete(file);
                }
            }
            for (Map.Entry<String, Inode> entry : entries.entrySet()) {
                byte[] image = entry.getValue().afterPowerLoss(random, what.append("  ").append(entry.getKey()).append(": "));
                what.append('\n');
                Files.write(e.getKey().resolve(entry.getKey()), image, StandardOpenOption.CREATE_NEW);
            }
        }
        return what.toString();
    }

    @Override
    public synchronized AppendChannel create(Path file) throws IOException {
        spend("create");
        Files.write(file, new byte[0], StandardOpenOption.CREATE_NEW);
        Inode inode = new Inode();
        live.put(file, inode);
        directory(file.getParent()).pending.add(new DirectoryOp("create", file.getFileName().toString(), null, inode));
        checkPower();
        return new Channel(file, inode);
    }

    @Override
    public synchronized void rename(Path from, Path to) throws IOException {
        spend("rename");
        Inode inode = live.remove(from);
        if (inode == null || !from.getParent().equals(to.getParent())) {
            throw new IOException("simulated storage cannot rename " + from + " to " + to);
        }
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        live.put(to, inode);
        directory(from.getParent()).pending.add(
                new DirectoryOp("rename", from.getFileName().toString(), to.getFileName().toString(), inode));
        checkPower();
    }

    @Override
    public synchronized void delete(Path file) throws IOException {
        spend("delete");
        Files.delete(file);
        Inode inode = live.remove(file);
        directory(file.getParent()).pending.add(new DirectoryOp("delete", file.getFileName().toString(), null, inode));
        checkPower();
    }

    @Override
    public synchronized void truncate(Path file, long length) throws IOException {
        spend("truncate");
        Inode inode = live.get(file);
        if (inode == null) {
            throw new IOException("simulated storage does not know " + file);
        }
        try (var channel = java.nio.channels.FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(length);
        }
        inode.setLength((int) length);
        checkPower();
        inode.force(); // the production truncate forces
    }

    @Override
    public synchronized void fsyncDirectory(Path directory) throws IOException {
        spend("fsyncDirectory");
        checkPower();
        DirectoryState dir = directory(directory);
        for (DirectoryOp op : dir.pending) {
            op.applyTo(dir.durable);
        }
        dir.pending.clear();
    }

    private synchronized void write(Path file, Inode inode, ByteBuffer[] buffers) throws IOException {
        spend("write");
        int start = inode.content.length;
        int length = 0;
        for (ByteBuffer b : buffers) {
            length += b.remaining();
        }
        byte[] bytes = new byte[length];
        int at = 0;
        for (ByteBuffer b : buffers) {
            int n = b.remaining();
            b.get(bytes, at, n);
            at += n;
        }
        Files.write(file, bytes, StandardOpenOption.APPEND);
        inode.setLength(start + length);
        System.arraycopy(bytes, 0, inode.content, start, length);
        inode.markDirty(start, start + length);
        checkPower();
    }

    private synchronized void force(Inode inode) throws IOException {
        spend("force");
        checkPower();
        inode.force();
    }

    private void spend(String call) throws IOException {
        callCounts.merge(call, 1, Integer::sum);
        if (powerLost) {
            throw new IOException("simulated power loss: the disk is gone");
        }
        if (opsLeft != Long.MAX_VALUE && --opsLeft == 0) {
            powerLost = true; // this call still reaches the page cache; checkPower() then throws
        }
    }

    private void checkPower() throws IOException {
        if (powerLost) {
            throw new IOException("simulated power loss during the call");
        }
    }

    private DirectoryState directory(Path directory) {
        return directories.computeIfAbsent(directory, d -> new DirectoryState());
    }

    private final class Channel implements AppendChannel {
        private final Path createdAs;
        private final Inode inode;

        Channel(Path createdAs, Inode inode) {
            this.createdAs = createdAs;
            this.inode = inode;
        }

        @Override
        public void writeFully(ByteBuffer... buffers) throws IOException {
            write(currentPath(), inode, buffers);
        }

        @Override
        public void force(boolean metadata) throws IOException {
            PowerLossStorage.this.force(inode);
        }

        @Override
        public void close() {}

        /** Where the inode lives now (the writer only appends before its rename). */
        private Path currentPath() throws IOException {
            synchronized (PowerLossStorage.this) {
                for (Map.Entry<Path, Inode> e : live.entrySet()) {
                    if (e.getValue() == inode) {
                        return e.getKey();
                    }
                }
            }
            throw new IOException("simulated storage: " + createdAs + " is gone");
        }
    }

    /** A create, rename or delete not yet covered by a directory fsync. */
    private record DirectoryOp(String kind, String name, String newName, Inode inode) {
        void applyTo(Map<String, Inode> entries) {
            switch (kind) {
                case "create" -> entries.put(name, inode);
                case "rename" -> {
                    Inode moved = entries.remove(name);
                    if (moved != null) {
                        entries.put(newName, moved);
                    }
                }
                case "delete" -> entries.remove(name);
                default -> throw new IllegalStateException(kind);
            }
        }

        @Override
        public String toString() {
            return kind + " " + name + (newName == null ? "" : " -> " + newName);
        }
    }

    private static final class DirectoryState {
        final Map<String, Inode> durable = new LinkedHashMap<>();
        final List<DirectoryOp> pending = new ArrayList<>();
    }

    /** A file's bytes: what was written (the page cache) and what a force made durable. */
    private static final class Inode {
        byte[] content = new byte[0];
        byte[] durable = new byte[0];
        final BitSet dirtyPages = new BitSet();

        void setLength(int length) {
            content = Arrays.copyOf(content, length);
        }

        void markDirty(int from, int to) {
            if (to > from) {
                dirtyPages.set(from / PAGE, (to - 1) / PAGE + 1);
            }
        }

        void force() {
            durable = content.clone();
            dirtyPages.clear();
        }

        byte[] afterPowerLoss(Random random, StringBuilder what) {
            int durableLength = durable.length;
            int written = content.length;
            if (dirtyPages.isEmpty() && written == durableLength) {
                what.append(durableLength).append(" bytes, all durable");
                return durable.clone();
            }
            int low = Math.min(durableLength, written);
            int high = Math.max(durableLength, written);
            int length = switch (random.nextInt(3)) {
                case 0 -> durableLength;
                case 1 -> written;
                default -> low + random.nextInt(high - low + 1);
            };
            byte[] image = new byte[length];
            System.arraycopy(durable, 0, image, 0, Math.min(length, durableLength));
            what.append("durable ").append(durableLength).append(", written ").append(written).append(", length ").append(length)
                    .append(", pages");
            for (int page = dirtyPages.nextSetBit(0); page >= 0 && page * PAGE < length; page = dirtyPages.nextSetBit(page + 1)) {
                int mode = random.nextInt(4);
                what.append(' ').append(page).append("=").append("NOGT".charAt(mode));
                for (int sector = 0; sector < PAGE / SECTOR; sector++) {
                    boolean fresh = mode == 0 || (mode == 3 && random.nextBoolean());
                    for (int i = page * PAGE + sector * SECTOR; i < Math.min(length, page * PAGE + (sector + 1) * SECTOR); i++) {
                        if (fresh) {
                            image[i] = i < written ? content[i] : 0;
                        } else if (i >= durableLength) {
                            image[i] = mode == 2 ? (byte) random.nextInt(256) : 0;
                        }
                    }
                }
            }
            return image;
        }
    }
}
