package io.gravix.rollup.columns;

import io.gravix.spool.Table;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.Executor;
import org.apache.parquet.column.ColumnWriter;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;

/**
 * The events of one rollup run, decoded straight from their spool records into columns:
 * primitive arrays per column, strings as slices of one byte arena holding the records,
 * low-cardinality strings as {@link SliceDictionary} codes. No object per event, so a run
 * of a million events is a few dozen arrays the GC never has to trace.
 *
 * <p>Decoding follows protobuf-java's parser for every field the lake stores (last value
 * wins for a repeated scalar, a repeated message field merges, a field with an unexpected
 * wire type is skipped as unknown, a repeated map key keeps its first position and its last
 * value), so the lake holds what ingest validated. Once every batch of the run is appended,
 * {@link #dropRepeatedIds} takes out the rows whose id an earlier row or a committed run kept.
 *
 * <p>Not thread-safe while appending (an append may lend half of its decoding to a helper thread itself,
 * {@link #appendRecordsAt}); after {@link #seal()} the writers read it from several threads.
 */
public abstract sealed class EventColumns permits RequestFactColumns, ServiceEventColumns {
    private static final int RECORD_EVENTS = 1 << 3 | WireReader.LENGTH_DELIMITED;
    private static final int RECORD_SOURCE = 2 << 3 | WireReader.LENGTH_DELIMITED;
    private static final int RECORD_INGESTED_AT = 3 << 3 | WireReader.VARINT;
    private static final int EVENT_ID = 1 << 3 | WireReader.LENGTH_DELIMITED;
    private static final int TIMESTAMP = 2 << 3 | WireReader.LENGTH_DELIMITED;
    private static final int SERVICE = 3 << 3 | WireReader.LENGTH_DELIMITED;
    private static final int ENVIRONMENT = 4 << 3 | WireReader.LENGTH_DELIMITED;
    private static final int TIMESTAMP_SECONDS = 1 << 3 | WireReader.VARINT;
    private static final int TIMESTAMP_NANOS = 2 << 3 | WireReader.VARINT;
    private static final int MAP_KEY = 1 << 3 | WireReader.LENGTH_DELIMITED;
    private static final int MAP_VALUE = 2 << 3 | WireReader.LENGTH_DELIMITED;
    /** What an empty {@code environment} becomes in the lake; kept at the start of the arena. */
    private static final byte[] DEFAULT_ENVIRONMENT = "production".getBytes(StandardCharsets.UTF_8);
    private static final long DEFAULT_ENVIRONMENT_SLICE = DEFAULT_ENVIRONMENT.length;

    /** Spool bytes of a typical request fact; runs of smaller events grow their columns (by half) while read. */
    private static final int ESTIMATED_EVENT_BYTES = 128;

    private final MessageType schema;
    private final int attributesTag;
    protected byte[] arena;
    private int arenaSize;
    protected int rows;
    protected int capacity;

    // per row
    protected long[] eventId;
    /** The event's bytes in the arena, which hold all its strings. */
    private long[] eventBytes;
    protected long[] ts;
    protected int[] service;
    protected int[] environment;
    private int[] frame;
    /** Row i's attributes are entries attrStart[i] .. attrStart[i + 1]. */
    private int[] attrStart;
    // attribute entries
    private int attrs;
    private long[] attrKey;
    private long[] attrValue;
    /** The entries a helper decodes ({@link #appendRecordsAt}), before they are appended to the run's. */
    private long[] helperAttrKey;
    private long[] helperAttrValue;
    // the dedupe's scratch, per row
    private long[] fingerprints;
    private int[] dedupeOrder;
    private byte[] kept;
    private long[] keptFingerprints;
    // frames (spool records)
    private int frames;
    private int[] frameSource = new int[64];
    private long[] frameIngestedAt = new long[64];
    private long[] frameBatch = new long[64];

    protected final SliceDictionary services = new SliceDictionary();
    protected final SliceDictionary environments = new SliceDictionary();
    private final SliceDictionary sources = new SliceDictionary();

    /** Decodes into the run's own dictionaries; made at the first append. */
    private Decoder runDecoder;

    // after seal()
    private Binary[] serviceValues;
    private Binary[] environmentValues;
    private Binary[] sourceValues;
    private int[] serviceRanks;
    private CodedStrings serviceCodes;
    private CodedStrings environmentCodes;
    private CodedStrings sourceCodes;

    EventColumns(MessageType schema, int attributesField, int arenaBytes, ColumnArrays arrays) {
        this.schema = schema;
        this.attributesTag = WireReader.tag(attributesField, WireReader.LENGTH_DELIMITED);
        this.arena = arrays.bytes("arena", Math.max(arenaBytes, 1024) + DEFAULT_ENVIRONMENT.length);
        System.arraycopy(DEFAULT_ENVIRONMENT, 0, arena, 0, DEFAULT_ENVIRONMENT.length);
        this.arenaSize = DEFAULT_ENVIRONMENT.length;
        // Sized for the run's events up front (a request fact takes ~130 spool bytes, a
        // service event more), so a run does not regrow and copy every array several times.
        this.capacity = Math.max(1024, arenaBytes / ESTIMATED_EVENT_BYTES);
        eventId = arrays.longs("eventId", capacity);
        eventBytes = arrays.longs("eventBytes", capacity);
        ts = arrays.longs("ts", capacity);
        service = arrays.ints("service", capacity);
        environment = arrays.ints("environment", capacity);
        frame = arrays.ints("frame", capacity);
        attrStart = arrays.ints("attrStart", capacity + 1);
        attrKey = arrays.longs("attrKey", capacity);
        attrValue = arrays.longs("attrValue", capacity);
        helperAttrKey = arrays.longs("helperAttrKey", capacity / 2);
        helperAttrValue = arrays.longs("helperAttrValue", capacity / 2);
        fingerprints = arrays.longs("fingerprints", capacity);
        dedupeOrder = arrays.ints("dedupeOrder", capacity);
        kept = arrays.bytes("kept", capacity);
        keptFingerprints = arrays.longs("keptFingerprints", capacity);
    }

    /** Hands every large array to {@code arrays} for the next run; these columns must not be used afterwards. */
    void releaseArrays(ColumnArrays arrays) {
        arrays.give("arena", arena);
        arrays.give("eventId", eventId);
        arrays.give("eventBytes", eventBytes);
        arrays.give("ts", ts);
        arrays.give("service", service);
        arrays.give("environment", environment);
        arrays.give("frame", frame);
        arrays.give("attrStart", attrStart);
        arrays.give("attrKey", attrKey);
        arrays.give("attrValue", attrValue);
        arrays.give("helperAttrKey", helperAttrKey);
        arrays.give("helperAttrValue", helperAttrValue);
        arrays.give("fingerprints", fingerprints);
        arrays.give("dedupeOrder", dedupeOrder);
        arrays.give("kept", kept);
        arrays.give("keptFingerprints", keptFingerprints);
        releaseTableArrays(arrays);
    }

    /** Hands the table's own per-row arrays to {@code arrays}. */
    abstract void releaseTableArrays(ColumnArrays arrays);

    /**
     * Columns for one run of {@code table}.
     *
     * @param arenaBytes the spool bytes the run will append (its files' sizes): the arena is allocated once
     */
    public static EventColumns of(Table table, long arenaBytes) {
        return of(table, arenaBytes, new ColumnArrays());
    }

    /**
     * As {@link #of(Table, long)}, in arrays a finished run left in {@code arrays} where they
     * are long enough; {@code arrays} holds nothing afterwards (what did not fit is let go).
     */
    public static EventColumns of(Table table, long arenaBytes, ColumnArrays arrays) {
        if (arenaBytes > Integer.MAX_VALUE - 1024) {
            throw new IllegalArgumentException("a run of " + arenaBytes + " spool bytes does not fit one arena (at most 2 GiB)");
        }
        EventColumns columns = table == Table.REQUEST_FACTS ? new RequestFactColumns((int) arenaBytes, arrays)
                : new ServiceEventColumns((int) arenaBytes, arrays);
        arrays.clear();
        return columns;
    }

    public MessageType schema() {
        return schema;
    }

    public int rows() {
        return rows;
    }

    /** The event's timestamp in microseconds since the epoch (UTC). */
    public long timestampMicros(int row) {
        return ts[row];
    }

    /** Orders rows by their event ids' UTF-8 bytes (for ASCII ids: {@link String#compareTo}). */
    public int compareEventIds(int a, int b) {
        long x = eventId[a];
        long y = eventId[b];
        return Arrays.compareUnsigned(arena, off(x), off(x) + len(x), arena, off(y), off(y) + len(y));
    }

    /** How many leading bytes the event ids of all rows share. */
    public int sharedEventIdPrefix() {
        if (rows == 0) {
            return 0;
        }
        long first = eventId[0];
        int shared = len(first);
        for (int row = 1; row < rows && shared > 0; row++) {
            long id = eventId[row];
            int differ = Arrays.mismatch(arena, off(first), off(first) + shared, arena, off(id), off(id) + Math.min(shared, len(id)));
            if (differ >= 0) {
                shared = differ;
            }
        }
        return shared;
    }

    /**
     * Bytes {@code [skip, skip + 8)} of row {@code row}'s event id as an unsigned big-endian
     * number, zero past the id's end: rows ordered by it are ordered by id as far as those bytes go.
     */
    public long eventIdKey(int row, int skip) {
        long id = eventId[row];
        int at = off(id) + skip;
        int left = len(id) - skip;
        long key = 0;
        for (int i = 0; i < 8; i++) {
            key = key << 8 | (i < left ? arena[at + i] & 0xff : 0);
        }
        return key;
    }

    public int eventIdLength(int row) {
        return len(eventId[row]);
    }

    /** Where row {@code row}'s event id starts in {@link #arena()}. */
    public int eventIdOffset(int row) {
        return off(eventId[row]);
    }

    /** Whether rows {@code a} and {@code b} have the same event id. */
    public boolean sameEventId(int a, int b) {
        long x = eventId[a];
        long y = eventId[b];
        return Arrays.equals(arena, off(x), off(x) + len(x), arena, off(y), off(y) + len(y));
    }

    /** Copies row {@code row}'s event id bytes to {@code into[at..]}; returns the position after them. */
    public int copyEventId(int row, byte[] into, int at) {
        System.arraycopy(arena, off(eventId[row]), into, at, len(eventId[row]));
        return at + len(eventId[row]);
    }

    public String eventId(int row) {
        return new String(arena, off(eventId[row]), len(eventId[row]), StandardCharsets.UTF_8);
    }

    /** Heap held by the arena and the column arrays, for the run's memory budget. */
    public long memoryBytes() {
        return arena.length + (long) capacity * bytesPerRow() + (attrKey.length + (long) helperAttrKey.length) * 16L;
    }

    /** Bytes of column arrays per row slot (the dedupe's scratch included). */
    long bytesPerRow() {
        return 8 + 8 + 8 + 4 + 4 + 4 + 4 + 8 + 4 + 1 + 8;
    }

    /**
     * Appends the events of one spool record ({@code buf[off, off+len)}, a frame's payload).
     *
     * @return the events the record held
     * @throws MalformedRecordException when the bytes are not the table's record, or an event
     *     lacks what ingest guarantees (a timestamp, a duration)
     */
    public int appendRecord(byte[] buf, int off, int len, long batchId) {
        return appendRecordAt(copyIntoArena(buf, off, len), len, batchId);
    }

    /**
     * Room for {@code bytes} more bytes at the end of the arena, for a reader to put a whole
     * spool file in (then {@link #appendRecordAt} its frames' payloads): each byte is read
     * once and the run holds no second copy of its files. Returns where the room starts in
     * {@link #arena()}, which this may replace by a larger array.
     */
    public int claimArena(int bytes) {
        ensureArenaRoom(bytes);
        int at = arenaSize;
        arenaSize += bytes;
        return at;
    }

    /** Like {@link #appendRecord}, for a record already in the arena at {@code at} (see {@link #claimArena}). */
    public int appendRecordAt(int at, int len, long batchId) {
        return appendRecordsAt(new int[] {at}, new int[] {len}, new long[] {batchId}, 1, TwoHalves.SAME_THREAD);
    }

    /** Records of fewer events than this are decoded on one thread: a helper would cost more than it saves. */
    static final int EVENTS_WORTH_A_HELPER = 4_096;

    /**
     * Appends records {@code [0, count)}, already in the arena ({@code at[i]}, {@code len[i]},
     * of batch {@code batchIds[i]}; see {@link #claimArena}), in that order. The records'
     * events are counted first, so that each record's rows are known before any is decoded;
     * then {@code helper} decodes the later half of the records, into its rows and its own
     * dictionaries, while this thread decodes the first half; the helper's dictionary codes
     * are then recoded into the run's. The columns end up as if every record had been
     * appended on one thread, one after the other: same rows, same codes, same entries.
     *
     * @return the events the records held
     * @throws MalformedRecordException naming the record ({@link MalformedRecordException#record()})
     *     whose bytes are not the table's record, or one of whose events lacks what ingest
     *     guarantees; the columns then hold part of the records and must be dropped
     */
    public int appendRecordsAt(int[] at, int[] len, long[] batchIds, int count, Executor helper) {
        int[] events = new int[count];
        int total = 0;
        for (int i = 0; i < count; i++) {
            if (at[i] < DEFAULT_ENVIRONMENT.length || (long) at[i] + len[i] > arenaSize) {
                throw new IllegalArgumentException("record [" + at[i] + ", " + ((long) at[i] + len[i]) + ") is not in the arena's claimed bytes");
            }
            events[i] = countEvents(at[i], len[i], i);
            total = Math.addExact(total, events[i]);
        }
        ensureRowCapacity(rows + total);
        int firstFrame = frames;
        for (int i = 0; i < count; i++) {
            newFrame(batchIds[i]);
        }
        int split = helper == TwoHalves.SAME_THREAD || total < EVENTS_WORTH_A_HELPER ? count : halfOfTheEvents(events, total);
        int splitRow = rows;
        for (int i = 0; i < split; i++) {
            splitRow += events[i];
        }
        Decoder mine = runDecoder();
        mine.start(rows, attrKey, attrValue, attrs);
        Decoder theirs = split == count ? null : newDecoder(false);
        try {
            if (theirs == null) {
                mine.decodeRecords(at, len, events, 0, count, firstFrame);
            } else {
                theirs.start(splitRow, helperAttrKey, helperAttrValue, 0);
                try {
                    TwoHalves.run(helper, () -> mine.decodeRecords(at, len, events, 0, split, firstFrame),
                            () -> theirs.decodeRecords(at, len, events, split, count, firstFrame));
                } finally {
                    helperAttrKey = theirs.attrKey; // grown, kept for the next run
                    helperAttrValue = theirs.attrValue;
                }
            }
        } finally {
            takeAttributes(mine);
        }
        if (theirs != null) {
            mergeDecoded(theirs, splitRow, rows + total, firstFrame + split, firstFrame + count);
        }
        rows += total;
        attrStart[rows] = attrs;
        return total;
    }

    /** The run decoder's entries (its arrays may have grown) are the run's. */
    private void takeAttributes(Decoder run) {
        attrKey = run.attrKey;
        attrValue = run.attrValue;
        attrs = run.attrs;
    }

    /** The first record of the later half: the records before it hold about half of the events. */
    private static int halfOfTheEvents(int[] events, int total) {
        int sum = 0;
        for (int i = 0; i < events.length; i++) {
            if (sum >= total / 2) {
                return i;
            }
            sum += events[i];
        }
        return events.length;
    }

    /** How many events the record at {@code at} holds (its events fields), without decoding them. */
    private int countEvents(int at, int len, int record) {
        try {
            int events = 0;
            WireReader reader = new WireReader(arena, at, len);
            while (!reader.atEnd()) {
                int tag = reader.readTag();
                if (tag == RECORD_EVENTS) {
                    reader.skipBytes(reader.readLength());
                    events++;
                } else {
                    reader.skipField(tag);
                }
            }
            return events;
        } catch (MalformedRecordException e) {
            throw new MalformedRecordException(e.getMessage(), record);
        }
    }

    private Decoder runDecoder() {
        if (runDecoder == null) {
            runDecoder = newDecoder(true);
        }
        return runDecoder;
    }

    /** A decoder of this table's events: into the run's own dictionaries ({@code ofRun}), or into new ones of its own. */
    abstract Decoder newDecoder(boolean ofRun);

    /**
     * Makes rows {@code [fromRow, toRow)}, frames {@code [fromFrame, toFrame)} and the
     * attribute entries that {@code helper} decoded part of the run, which holds the rows
     * before them: its dictionary codes recoded into the run's (its values are looked up in
     * the order it first saw them, after all the rows before: the codes a decode on one
     * thread gives), its entries appended to the run's.
     */
    private void mergeDecoded(Decoder helper, int fromRow, int toRow, int fromFrame, int toFrame) {
        int[] serviceCodes = recode(helper.services, services);
        int[] environmentCodes = recode(helper.environments, environments);
        int[] sourceCodes = recode(helper.sources, sources);
        for (int row = fromRow; row < toRow; row++) {
            service[row] = serviceCodes[service[row]];
            environment[row] = environmentCodes[environment[row]];
            attrStart[row] += attrs;
        }
        for (int f = fromFrame; f < toFrame; f++) {
            frameSource[f] = sourceCodes[frameSource[f]];
        }
        helper.recodeTableInto(fromRow, toRow);
        if (attrKey.length - attrs < helper.attrs) {
            attrKey = Arrays.copyOf(attrKey, attrs + helper.attrs);
            attrValue = Arrays.copyOf(attrValue, attrs + helper.attrs);
        }
        System.arraycopy(helper.attrKey, 0, attrKey, attrs, helper.attrs);
        System.arraycopy(helper.attrValue, 0, attrValue, attrs, helper.attrs);
        attrs += helper.attrs;
    }

    /** For each code of {@code from}, the code of its value in {@code into} (added there if new). */
    final int[] recode(SliceDictionary from, SliceDictionary into) {
        int[] codes = new int[from.size()];
        for (int code = 0; code < codes.length; code++) {
            codes[code] = into.codeOf(arena, from.offset(code), from.length(code));
        }
        return codes;
    }

    /** Receives a frame's (spool record's) acknowledgement time and how many rows of it the columns hold. */
    public interface FrameRows {
        void frame(long ingestedAtMicros, int rows);
    }

    /** Every appended frame in order, with how many of its events are rows now (after {@link #dropRepeatedIds}: those kept). */
    public void forEachFrame(FrameRows visitor) {
        int[] rowsOfFrame = new int[frames];
        for (int row = 0; row < rows; row++) {
            rowsOfFrame[frame[row]]++;
        }
        for (int f = 0; f < frames; f++) {
            visitor.frame(frameIngestedAt[f], rowsOfFrame[f]);
        }
    }

    /**
     * The run's dedupe ({@link RunDedupe}): takes out every row whose event id an earlier row
     * or a committed run kept; the rows left keep their order. Call after the last append,
     * before {@link #seal()}.
     *
     * @return how many rows were taken out
     */
    public long dropRepeatedIds(CommittedIds committed) {
        return dropRepeatedIds(committed, TwoHalves.SAME_THREAD);
    }

    /**
     * As {@link #dropRepeatedIds(CommittedIds)}, with half of the work on {@code helper}
     * ({@link TwoHalves}): the same rows are dropped. {@code committed} must answer lookups
     * from two threads at once.
     */
    public long dropRepeatedIds(CommittedIds committed, Executor helper) {
        long dropped = RunDedupe.markKept(this, committed, fingerprints, dedupeOrder, kept, keptFingerprints, helper);
        if (dropped > 0) {
            retainKeptRows();
        }
        return dropped;
    }

    /**
     * After {@link #dropRepeatedIds}: slots {@code [0, rows())} hold the fingerprints of the rows'
     * event ids (as {@link CommittedIds#fingerprint}), not in row order but in the order the
     * seen-id index inserts them fastest in.
     */
    public long[] keptFingerprints() {
        return keptFingerprints;
    }

    /** Moves every kept row (and its attribute entries) down over the dropped ones before it. */
    private void retainKeptRows() {
        int to = 0;
        int entries = 0;
        for (int row = 0; row < rows; row++) {
            if (kept[row] == 0) {
                continue;
            }
            int first = attrStart[row];
            int count = attrStart[row + 1] - first;
            System.arraycopy(attrKey, first, attrKey, entries, count);
            System.arraycopy(attrValue, first, attrValue, entries, count);
            attrStart[to] = entries;
            entries += count;
            if (to != row) {
                moveRow(row, to);
            }
            to++;
        }
        rows = to;
        attrs = entries;
        attrStart[rows] = attrs;
    }

    private void moveRow(int from, int to) {
        eventId[to] = eventId[from];
        eventBytes[to] = eventBytes[from];
        ts[to] = ts[from];
        service[to] = service[from];
        environment[to] = environment[from];
        frame[to] = frame[from];
        moveTableRow(from, to);
    }

    /** Copies the table's own columns of row {@code from} to row {@code to} (an earlier row). */
    abstract void moveTableRow(int from, int to);

    private int copyIntoArena(byte[] buf, int off, int len) {
        int at = claimArena(len);
        System.arraycopy(buf, off, arena, at, len);
        return at;
    }

    private void ensureArenaRoom(int len) {
        if (arena.length - arenaSize < len) {
            long grown = Math.max((long) arena.length * 2, (long) arenaSize + len);
            if (grown > Integer.MAX_VALUE - 16) {
                throw new IllegalStateException("a run's spool records do not fit one arena (at most 2 GiB)");
            }
            arena = Arrays.copyOf(arena, (int) grown);
        }
    }

    private void newFrame(long batchId) {
        if (frames == frameSource.length) {
            frameSource = Arrays.copyOf(frameSource, frames * 2);
            frameIngestedAt = Arrays.copyOf(frameIngestedAt, frames * 2);
            frameBatch = Arrays.copyOf(frameBatch, frames * 2);
        }
        frameSource[frames] = 0; // set by the record's decoder
        frameIngestedAt[frames] = 0;
        frameBatch[frames] = batchId;
        frames++;
    }

    /** Grows every per-row array of the table to {@code newCapacity}. */
    abstract void growTable(int newCapacity);

    private void ensureRowCapacity(int needed) {
        if (needed > capacity) {
            grow(Math.max(needed, capacity + (capacity >> 1)));
        }
    }

    private void grow(int newCapacity) {
        eventId = Arrays.copyOf(eventId, newCapacity);
        eventBytes = Arrays.copyOf(eventBytes, newCapacity);
        ts = Arrays.copyOf(ts, newCapacity);
        service = Arrays.copyOf(service, newCapacity);
        environment = Arrays.copyOf(environment, newCapacity);
        frame = Arrays.copyOf(frame, newCapacity);
        attrStart = Arrays.copyOf(attrStart, newCapacity + 1);
        // the dedupe's scratch holds nothing until the run is read: no copy
        fingerprints = new long[newCapacity];
        dedupeOrder = new int[newCapacity];
        kept = new byte[newCapacity];
        keptFingerprints = new long[newCapacity];
        growTable(newCapacity);
        capacity = newCapacity;
    }

    /** A length-delimited field's bytes as a slice of the arena: offset in the high, length in the low 32 bits. */
    static long readSlice(WireReader r) {
        int length = r.readLength();
        long slice = (long) r.position() << 32 | length;
        r.skipBytes(length);
        return slice;
    }

    static int off(long slice) {
        return (int) (slice >>> 32);
    }

    static int len(long slice) {
        return (int) slice;
    }

    String slice(long slice) {
        return new String(arena, off(slice), len(slice), StandardCharsets.UTF_8);
    }

    private static long micros(long seconds, int nanos) {
        try {
            return Math.addExact(Math.multiplyExact(seconds, 1_000_000L), nanos / 1_000);
        } catch (ArithmeticException e) {
            throw new MalformedRecordException("timestamp " + seconds + "s out of range");
        }
    }

    /**
     * One thread's decoding of records into rows of these columns: the row it writes next,
     * the event it is decoding, the attribute entries it has read, the dictionaries it codes
     * strings with. A table's subclass reads the table's own fields.
     */
    abstract class Decoder {
        final SliceDictionary services;
        final SliceDictionary environments;
        final SliceDictionary sources;
        long[] attrKey;
        long[] attrValue;
        int attrs;
        private int row;
        // the event being decoded
        private long pendingId;
        private long pendingService;
        private long pendingEnvironment;
        private long seconds;
        private int nanos;
        private boolean hasTimestamp;

        Decoder(boolean ofRun) {
            services = ofRun ? EventColumns.this.services : new SliceDictionary();
            environments = ofRun ? EventColumns.this.environments : new SliceDictionary();
            sources = ofRun ? EventColumns.this.sources : new SliceDictionary();
        }

        /** Decodes into rows from {@code firstRow} on, appending entries to {@code attrKey/attrValue[attrs..]} (grown when full). */
        void start(int firstRow, long[] attrKey, long[] attrValue, int attrs) {
            this.row = firstRow;
            this.attrKey = attrKey;
            this.attrValue = attrValue;
            this.attrs = attrs;
        }

        /** Decodes records {@code [from, to)} (record i is frame {@code firstFrame + i}), each into exactly {@code events[i]} rows. */
        void decodeRecords(int[] at, int[] len, int[] events, int from, int to, int firstFrame) {
            for (int i = from; i < to; i++) {
                int first = row;
                try {
                    decodeRecord(at[i], len[i], firstFrame + i);
                } catch (MalformedRecordException e) {
                    throw new MalformedRecordException(e.getMessage(), i);
                }
                if (row - first != events[i]) {
                    throw new IllegalStateException("record " + i + " decoded to " + (row - first) + " rows, counted " + events[i]);
                }
            }
        }

        private void decodeRecord(int at, int len, int frame) {
            frameSource[frame] = sources.codeOf(arena, 0, 0);
            WireReader fields = new WireReader(arena, at, len);
            while (!fields.atEnd()) {
                int tag = fields.readTag();
                if (tag == RECORD_SOURCE) {
                    long source = readSlice(fields);
                    frameSource[frame] = sources.codeOf(arena, off(source), len(source));
                } else if (tag == RECORD_INGESTED_AT) {
                    frameIngestedAt[frame] = fields.readVarint64();
                } else {
                    fields.skipField(tag);
                }
            }
            WireReader reader = new WireReader(arena, at, len);
            while (!reader.atEnd()) {
                int tag = reader.readTag();
                if (tag == RECORD_EVENTS) {
                    int length = reader.readLength();
                    decodeEvent(reader.position(), length, frame);
                    reader.skipBytes(length);
                } else {
                    reader.skipField(tag);
                }
            }
        }

        private void decodeEvent(int off, int len, int frame) {
            pendingId = 0;
            pendingService = 0;
            pendingEnvironment = 0;
            seconds = 0;
            nanos = 0;
            hasTimestamp = false;
            attrStart[row] = attrs;
            startRow(row);
            WireReader r = new WireReader(arena, off, len);
            while (!r.atEnd()) {
                int tag = r.readTag();
                if (tag == EVENT_ID) {
                    pendingId = readSlice(r);
                } else if (tag == TIMESTAMP) {
                    readTimestamp(r);
                } else if (tag == SERVICE) {
                    pendingService = readSlice(r);
                } else if (tag == ENVIRONMENT) {
                    pendingEnvironment = readSlice(r);
                } else if (tag == attributesTag) {
                    readAttribute(r);
                } else if (!readTableField(tag, r, row)) {
                    r.skipField(tag);
                }
            }
            if (!hasTimestamp) {
                throw new MalformedRecordException("event " + slice(pendingId) + " has no timestamp");
            }
            finishRow(row, pendingId);
            eventId[row] = pendingId;
            eventBytes[row] = (long) off << 32 | len;
            ts[row] = micros(seconds, nanos);
            service[row] = services.codeOf(arena, off(pendingService), len(pendingService));
            long env = len(pendingEnvironment) == 0 ? DEFAULT_ENVIRONMENT_SLICE : pendingEnvironment;
            environment[row] = environments.codeOf(arena, off(env), len(env));
            EventColumns.this.frame[row] = frame;
            row++;
        }

        /** A {@code google.protobuf.Timestamp}; a second occurrence merges into the first, as protobuf does. */
        private void readTimestamp(WireReader outer) {
            int length = outer.readLength();
            WireReader r = new WireReader(arena, outer.position(), length);
            outer.skipBytes(length);
            hasTimestamp = true;
            while (!r.atEnd()) {
                int tag = r.readTag();
                if (tag == TIMESTAMP_SECONDS) {
                    seconds = r.readVarint64();
                } else if (tag == TIMESTAMP_NANOS) {
                    nanos = r.readVarint32();
                } else {
                    r.skipField(tag);
                }
            }
        }

        /** One map entry: a key seen before in this event keeps its place and takes the new value. */
        private void readAttribute(WireReader outer) {
            int length = outer.readLength();
            WireReader r = new WireReader(arena, outer.position(), length);
            outer.skipBytes(length);
            long key = 0;
            long value = 0;
            while (!r.atEnd()) {
                int tag = r.readTag();
                if (tag == MAP_KEY) {
                    key = readSlice(r);
                } else if (tag == MAP_VALUE) {
                    value = readSlice(r);
                } else {
                    r.skipField(tag);
                }
            }
            for (int i = attrStart[row]; i < attrs; i++) {
                if (Arrays.equals(arena, off(attrKey[i]), off(attrKey[i]) + len(attrKey[i]), arena, off(key), off(key) + len(key))) {
                    attrValue[i] = value;
                    return;
                }
            }
            if (attrs == attrKey.length) {
                attrKey = Arrays.copyOf(attrKey, attrs + (attrs >> 1) + 16);
                attrValue = Arrays.copyOf(attrValue, attrs + (attrs >> 1) + 16);
            }
            attrKey[attrs] = key;
            attrValue[attrs] = value;
            attrs++;
        }

        /** Clears the table's own fields of a new row (reused arrays hold an earlier run's values). */
        abstract void startRow(int row);

        /** Reads a field of the table's own; false when {@code tag} is not one (it is then skipped as unknown). */
        abstract boolean readTableField(int tag, WireReader r, int row);

        /** Checks the table's required fields and stores its dictionary codes. */
        abstract void finishRow(int row, long eventId);

        /**
         * Recodes the table's own dictionary codes of rows {@code [from, to)}, which this (helper)
         * decoded, into the run's dictionaries; a table with no dictionary of its own has none.
         */
        void recodeTableInto(int from, int to) {}
    }

    /** Ends appending: dictionaries become the values the writers hand to Parquet. */
    public void seal() {
        serviceValues = services.binaries(arena);
        environmentValues = environments.binaries(arena);
        sourceValues = sources.binaries(arena);
        serviceRanks = services.ranks(arena);
        serviceCodes = CodedStrings.perRow(serviceValues, service);
        environmentCodes = CodedStrings.perRow(environmentValues, environment);
        sourceCodes = CodedStrings.of(sourceValues, (rows, from, to, s, into) -> {
            int[] f = s.frames(frame, rows, from, to);
            for (int i = 0; i < to - from; i++) {
                into[i] = frameSource[f[i]];
            }
        });
        sealTable();
    }

    abstract void sealTable();

    /** The bytes every slice points into; replaced only by {@link #claimArena}/{@link #appendRecord} growing it. */
    public byte[] arena() {
        return arena;
    }

    /** Where row {@code row}'s event bytes are in the arena (offset << 32 | length). */
    long eventBytes(int row) {
        return eventBytes[row];
    }

    int serviceRank(int row) {
        return serviceRanks[service[row]];
    }

    /** The rank of the table's second sort key after service (route), or 0 when it has none. */
    abstract int secondaryRank(int row);

    /**
     * Leaf column {@code column} as codes into a table of values when it is a REQUIRED string
     * held that way (the writer then writes its pages itself), else null.
     */
    abstract CodedStrings codedStrings(int column);

    CodedStrings serviceCodes() {
        return serviceCodes;
    }

    CodedStrings environmentCodes() {
        return environmentCodes;
    }

    CodedStrings sourceCodes() {
        return sourceCodes;
    }

    /** Writes leaf column {@code column} of the schema for {@code rows[from, to)}, gathering them through {@code s}. */
    abstract void writeColumn(int column, ColumnWriter w, int[] rows, int from, int to, PageScratch s);

    // Column writers shared by both tables. Levels: a REQUIRED leaf is (0, 0); an OPTIONAL one
    // is defined at 1; the map's leaves are repeated (first entry r=0, next r=1; empty map: null at d=0).

    void writeEventId(ColumnWriter w, int[] rows, int from, int to, PageScratch s) {
        s.writeSlices(w, s.gatherSlices(this, eventId, rows, from, to), false);
    }

    void writeTimestamps(ColumnWriter w, int[] rows, int from, int to, PageScratch s) {
        writeLongs(w, ts, rows, from, to, s);
    }

    void writeService(ColumnWriter w, int[] rows, int from, int to, PageScratch s) {
        writeCodes(w, service, serviceValues, rows, from, to, s);
    }

    void writeEnvironment(ColumnWriter w, int[] rows, int from, int to, PageScratch s) {
        writeCodes(w, environment, environmentValues, rows, from, to, s);
    }

    void writeSource(ColumnWriter w, int[] rows, int from, int to, PageScratch s) {
        int[] f = s.frames(frame, rows, from, to);
        for (int i = 0; i < to - from; i++) {
            w.write(sourceValues[frameSource[f[i]]], 0, 0);
        }
    }

    void writeIngestedAt(ColumnWriter w, int[] rows, int from, int to, PageScratch s) {
        int[] f = s.frames(frame, rows, from, to);
        for (int i = 0; i < to - from; i++) {
            w.write(frameIngestedAt[f[i]], 0, 0);
        }
    }

    void writeBatchId(ColumnWriter w, int[] rows, int from, int to, PageScratch s) {
        int[] f = s.frames(frame, rows, from, to);
        for (int i = 0; i < to - from; i++) {
            w.write(frameBatch[f[i]], 0, 0);
        }
    }

    void writeAttributeKeys(ColumnWriter w, int[] rows, int from, int to, PageScratch s) {
        writeEntries(w, s.gatherEntries(this, attrStart, attrKey, rows, from, to), s);
    }

    void writeAttributeValues(ColumnWriter w, int[] rows, int from, int to, PageScratch s) {
        writeEntries(w, s.gatherEntries(this, attrStart, attrValue, rows, from, to), s);
    }

    private static void writeEntries(ColumnWriter w, int items, PageScratch s) {
        for (int i = 0; i < items; i++) {
            if (s.length(i) < 0) {
                w.writeNull(0, 0);
            } else {
                w.write(s.binary(i), s.repetition(i), 1);
            }
        }
    }

    final void writeRequired(ColumnWriter w, long[] slices, int[] rows, int from, int to, PageScratch s) {
        s.writeSlices(w, s.gatherSlices(this, slices, rows, from, to), false);
    }

    /** An OPTIONAL string: empty (proto3 cannot tell it from "not sent") is null. */
    final void writeOptional(ColumnWriter w, long[] slices, int[] rows, int from, int to, PageScratch s) {
        s.writeSlices(w, s.gatherSlices(this, slices, rows, from, to), true);
    }

    static void writeCodes(ColumnWriter w, int[] codes, Binary[] values, int[] rows, int from, int to, PageScratch s) {
        int n = gather(codes, rows, from, to, s.ints);
        for (int i = 0; i < n; i++) {
            w.write(values[s.ints[i]], 0, 0);
        }
    }

    static void writeInts(ColumnWriter w, int[] values, int[] rows, int from, int to, PageScratch s) {
        int n = gather(values, rows, from, to, s.ints);
        for (int i = 0; i < n; i++) {
            w.write(s.ints[i], 0, 0);
        }
    }

    static void writeLongs(ColumnWriter w, long[] values, int[] rows, int from, int to, PageScratch s) {
        int n = to - from;
        for (int i = 0; i < n; i++) {
            s.longs[i] = values[rows[from + i]];
        }
        for (int i = 0; i < n; i++) {
            w.write(s.longs[i], 0, 0);
        }
    }

    static void writeDoubles(ColumnWriter w, double[] values, int[] rows, int from, int to, PageScratch s) {
        int n = to - from;
        for (int i = 0; i < n; i++) {
            s.doubles[i] = values[rows[from + i]];
        }
        for (int i = 0; i < n; i++) {
            w.write(s.doubles[i], 0, 0);
        }
    }

    private static int gather(int[] values, int[] rows, int from, int to, int[] into) {
        int n = to - from;
        for (int i = 0; i < n; i++) {
            into[i] = values[rows[from + i]];
        }
        return n;
    }
}
