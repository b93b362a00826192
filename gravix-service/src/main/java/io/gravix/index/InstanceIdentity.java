package io.gravix.index;

import java.security.SecureRandom;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * The instance id of a batch index: 12 random characters of {@code [a-z2-7]} (60 bits),
 * created once, in the transaction that finds none, and stored in the index. Two
 * indexes (two replicas, or one index recreated from scratch) get different ids with
 * overwhelming probability; a copied or restored index keeps its id, which is why the
 * rollup also checks the lake's own record of the instance (see the rollup's
 * {@code InstanceFence}).
 */
final class InstanceIdentity {
    static final int LENGTH = 12;
    private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private InstanceIdentity() {}

    static String loadOrCreate(Handle handle) {
        return handle.inTransaction(h -> {
            Optional<String> existing = h.createQuery("SELECT id FROM instance").mapTo(String.class).findFirst();
            if (existing.isPresent()) {
                return existing.get();
            }
            String id = newId();
            h.createUpdate("INSERT INTO instance(id, created_at_ms) VALUES (:id, :now)")
                    .bind("id", id)
                    .bind("now", System.currentTimeMillis())
                    .execute();
            return id;
        });
    }

    static String newId() {
        char[] id = new char[LENGTH];
        for (int i = 0; i < LENGTH; i++) {
            id[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
        }
        return new String(id);
    }
}
