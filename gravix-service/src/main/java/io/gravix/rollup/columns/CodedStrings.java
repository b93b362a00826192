package io.gravix.rollup.columns;

import java.util.Arrays;
import java.util.Comparator;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.PrimitiveComparator;

/**
 * A REQUIRED string column whose rows hold codes into a small table of values (service,
 * environment, route, method, kind, source): what {@link DictionaryColumnChunk} needs to
 * write its pages without handing Parquet one value at a time.
 *
 * @param values the value of each code
 * @param ranks each code's position in the byte order of the values, which is the column's
 *     statistics order (unsigned bytes; UTF-8 byte order is code point order)
 * @param codes gathers the codes of rows in write order
 */
record CodedStrings(Binary[] values, int[] ranks, CodeGather codes) {

    /** Puts the codes of {@code rows[from, to)} into {@code into[0, to - from)}. */
    @FunctionalInterface
    interface CodeGather {
        void gather(int[] rows, int from, int to, PageScratch s, int[] into);
    }

    static CodedStrings of(Binary[] values, CodeGather codes) {
        return new CodedStrings(values, ranksOf(values), codes);
    }

    /** Codes held per row in {@code codeOfRow}. */
    static CodedStrings perRow(Binary[] values, int[] codeOfRow) {
        return of(values, (rows, from, to, s, into) -> {
            for (int i = from; i < to; i++) {
                into[i - from] = codeOfRow[rows[i]];
            }
        });
    }

    private static int[] ranksOf(Binary[] values) {
        Integer[] byValue = new Integer[values.length];
        for (int i = 0; i < values.length; i++) {
            byValue[i] = i;
        }
        // a null value is a code no row holds (a kind without a name): first, out of the way
        Arrays.sort(byValue, Comparator.comparing((Integer code) -> values[code],
                Comparator.nullsFirst(PrimitiveComparator.UNSIGNED_LEXICOGRAPHICAL_BINARY_COMPARATOR)));
        int[] ranks = new int[values.length];
        for (int rank = 0; rank < values.length; rank++) {
            ranks[byValue[rank]] = rank;
        }
        return ranks;
    }
}
