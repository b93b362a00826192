package io.gravix.rollup;

import io.gravix.rollup.columns.ColumnArrays;
import io.gravix.rollup.columns.EventColumns;
import io.gravix.spool.Table;

/** One lake table as the rollup sees it: its name, and the columns a run of it decodes into. */
record LakeTable(Table table) {
    static final LakeTable REQUEST_FACTS = new LakeTable(Table.REQUEST_FACTS);
    static final LakeTable SERVICE_EVENTS = new LakeTable(Table.SERVICE_EVENTS);

    static LakeTable of(Table table) {
        return table == Table.REQUEST_FACTS ? REQUEST_FACTS : SERVICE_EVENTS;
    }

    String name() {
        return table.tableName();
    }

    /** Empty columns for a run that will read {@code spoolBytes} of spool files, in the arrays of an earlier run where they fit. */
    EventColumns newColumns(long spoolBytes, ColumnArrays arrays) {
        return EventColumns.of(table, spoolBytes, arrays);
    }
}
