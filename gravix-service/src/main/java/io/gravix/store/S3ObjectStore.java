package io.gravix.store;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * An {@link ObjectStore} in one bucket of an S3-compatible store (AWS S3, MinIO,
 * S3Proxy, ...), under an optional key prefix: the object {@code k} is the S3 object
 * {@code <prefix>/k}. The client is built by {@link S3StoreConfig}: endpoint
 * override, path-style access, region, credentials from the AWS SDK's default chain,
 * retries with backoff configured on the SDK's retry strategy. This class adds no
 * retry loop of its own.
 *
 * <p>Atomic visibility comes from S3 itself: a PUT or a completed multipart upload
 * publishes the whole object at once. Files smaller than the multipart threshold go
 * in one PUT; larger ones in parts of the configured size (raised if a file would
 * need more than S3's 10,000 parts). Any failure during a multipart upload aborts
 * it, so its parts are never published; if even the abort fails, the parts stay
 * invisible and a bucket lifecycle rule (AbortIncompleteMultipartUpload) should
 * reclaim their space. Every attempt reads its bytes afresh from the file through
 * one channel opened at the start of the put, so a retried part sends the same
 * bytes and a file deleted mid-upload is still uploaded whole.
 *
 * <p>Errors the SDK reports after its retries become {@link ObjectStoreException}s
 * (see {@link S3Errors}); the SDK does not retry client errors such as a missing
 * bucket or rejected credentials, so those fail at once.
 */
public final class S3ObjectStore implements ObjectStore {
    /** S3's smallest part size (every part but the last) and its largest part count. */
    static final long MIN_PART_SIZE = 5L * 1024 * 1024;
    static final int MAX_PARTS = 10_000;

    private static final Logger LOG = LoggerFactory.getLogger(S3ObjectStore.class);
    private static final String CONTENT_TYPE = "application/octet-stream";

    private final S3Client client;
    private final String bucket;
    private final String keyPrefix;
    private final long multipartThreshold;
    private final long partSize;
    private final String endpoint;
    private final String region;

    /**
     * @param keyPrefix "" or a prefix ending in {@code /}
     * @param endpoint and {@code region}: for messages only
     */
    S3ObjectStore(S3Client client, String bucket, String keyPrefix, long multipartThreshold, long partSize, String endpoint, String region) {
        this.client = requireNonNull(client, "client is null");
        this.bucket = requireNonNull(bucket, "bucket is null");
        this.keyPrefix = requireNonNull(keyPrefix, "keyPrefix is null");
        if (!keyPrefix.isEmpty() && !(keyPrefix.endsWith("/") && ObjectKeys.isValidKey(keyPrefix.substring(0, keyPrefix.length() - 1)))) {
            throw new IllegalArgumentException("invalid S3 key prefix '" + keyPrefix + "'");
        }
        if (partSize < MIN_PART_SIZE) {
            throw new IllegalArgumentException("part size " + partSize + " is below S3's minimum of " + MIN_PART_SIZE);
        }
        this.multipartThreshold = multipartThreshold;
        this.partSize = partSize;
        this.endpoint = requireNonNull(endpoint, "endpoint is null");
        this.region = requireNonNull(region, "region is null");
    }

    @Override
    public void put(String key, Path finishedLocalFile) throws IOException {
        String s3Key = s3Key(key);
        try (FileChannel file = FileChannel.open(finishedLocalFile, StandardOpenOption.READ)) {
            long size = file.size();
            if (size < multipartThreshold) {
                client.putObject(b -> b.bucket(bucket).key(s3Key).contentType(CONTENT_TYPE).contentLength(size),
                        body(file, finishedLocalFile, 0, size));
            } else {
                putInParts(s3Key, file, finishedLocalFile, size);
            }
        } catch (SdkException e) {
            FileSliceInputStream.LocalFileException local = localFileFailure(e);
            if (local != null) {
                local.addSuppressed(e);
                throw local; // the file, not the store, failed: say so rather than "store unavailable"
            }
            throw diagnosed(s3Key, failure("put", s3Key, e));
        }
    }

    /**
     * A store that refuses a request with a body may answer before reading it and
     * close the connection; the client then sees a broken pipe, not the answer (S3Proxy
     * does this after "100 Continue"; AWS S3 checks credentials before it). So when a
     * put found no answer, one request without a body asks why; if the store refuses
     * that for good (credentials, bucket), the put fails with that reason. Diagnosis,
     * not a retry: the put is not repeated.
     */
    private ObjectStoreException diagnosed(String s3Key, ObjectStoreException failure) {
        if (failure.reason() != ObjectStoreException.Reason.UNAVAILABLE) {
            return failure;
        }
        try {
            verify();
            return failure;
        } catch (ObjectStoreException diagnosis) {
            if (!diagnosis.isConfigurationError()) {
                return failure;
            }
            diagnosis.addSuppressed(failure);
            return new ObjectStoreException(diagnosis.reason(), "put " + location(s3Key)
                    + " failed (the connection broke while sending; a request without a body then showed why): " + diagnosis.getMessage(), diagnosis);
        } catch (IOException other) {
            failure.addSuppressed(other);
            return failure;
        }
    }

    private static FileSliceInputStream.LocalFileException localFileFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof FileSliceInputStream.LocalFileException local) {
                return local;
            }
        }
        return null;
    }

    private void putInParts(String s3Key, FileChannel file, Path path, long size) {
        long part = Math.max(partSize, (size + MAX_PARTS - 1) / MAX_PARTS);
        String uploadId = client.createMultipartUpload(b -> b.bucket(bucket).key(s3Key).contentType(CONTENT_TYPE)).uploadId();
        try {
            List<CompletedPart> parts = new ArrayList<>();
            int partNumber = 1;
            for (long offset = 0; offset < size; offset += part, partNumber++) {
                long length = Math.min(part, size - offset);
                int number = partNumber;
                String etag = client.uploadPart(
                        b -> b.bucket(bucket).key(s3Key).uploadId(uploadId).partNumber(number).contentLength(length),
                        body(file, path, offset, length)).eTag();
                parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
            }
            client.completeMultipartUpload(b -> b.bucket(bucket).key(s3Key).uploadId(uploadId).multipartUpload(m -> m.parts(parts)));
        } catch (RuntimeException | Error e) {
            abort(s3Key, uploadId, e);
            throw e;
        }
    }

    /** Aborts an upload after {@code failure}, also when the thread was interrupted, so no part is ever published. */
    private void abort(String s3Key, String uploadId, Throwable failure) {
        boolean interrupted = Thread.interrupted();
        try {
            client.abortMultipartUpload(b -> b.bucket(bucket).key(s3Key).uploadId(uploadId));
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
            LOG.warn("could not abort multipart upload {} of s3://{}/{}: its parts stay unpublished until a lifecycle rule "
                    + "(AbortIncompleteMultipartUpload) removes them", uploadId, bucket, s3Key, e);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static RequestBody body(FileChannel file, Path path, long offset, long length) {
        return RequestBody.fromContentProvider(() -> new FileSliceInputStream(file, path, offset, length), length, CONTENT_TYPE);
    }

    @Override
    public InputStream open(String key) throws IOException {
        String s3Key = s3Key(key);
        try {
            return client.getObject(b -> b.bucket(bucket).key(s3Key));
        } catch (NoSuchKeyException e) {
            throw new NoSuchObjectException(key, location(s3Key));
        } catch (SdkException e) {
            throw failure("open", s3Key, e);
        }
    }

    @Override
    public List<ObjectInfo> list(String prefix) throws IOException {
        ObjectKeys.requireValidPrefix(prefix);
        List<ObjectInfo> objects = new ArrayList<>();
        try {
            for (S3Object o : client.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(keyPrefix + prefix)).contents()) {
                String key = o.key().substring(keyPrefix.length());
                if (ObjectKeys.isValidKey(key)) {
                    objects.add(new ObjectInfo(key, o.size(), o.lastModified()));
                }
            }
        } catch (SdkException e) {
            throw failure("list", keyPrefix + prefix, e);
        }
        objects.sort(Comparator.comparing(ObjectInfo::key));
        return objects;
    }

    @Override
    public void delete(String key) throws IOException {
        String s3Key = s3Key(key);
        try {
            client.deleteObject(b -> b.bucket(bucket).key(s3Key)); // S3 answers 204 for a missing key too
        } catch (SdkException e) {
            throw failure("delete", s3Key, e);
        }
    }

    @Override
    public boolean exists(String key) throws IOException {
        String s3Key = s3Key(key);
        try {
            client.headObject(b -> b.bucket(bucket).key(s3Key));
            return true;
        } catch (NoSuchKeyException e) {
            return bucketExists(s3Key);
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return bucketExists(s3Key);
            }
            throw failure("exists", s3Key, e);
        } catch (SdkException e) {
            throw failure("exists", s3Key, e);
        }
    }

    /**
     * A HEAD answer has no body, so its 404 cannot say whether the key or the whole
     * bucket is missing; a missing bucket must be an error, not "no object".
     */
    private boolean bucketExists(String s3Key) throws IOException {
        try {
            client.headBucket(b -> b.bucket(bucket));
            return false;
        } catch (SdkException e) {
            throw failure("exists", s3Key, e);
        }
    }

    /** Lists at most one key under the prefix: proves the bucket exists and the credentials may read it, with a precise error code if not. */
    @Override
    public void verify() throws IOException {
        try {
            client.listObjectsV2(b -> b.bucket(bucket).prefix(keyPrefix).maxKeys(1));
        } catch (SdkException e) {
            throw failure("list", keyPrefix, e);
        }
    }

    @Override
    public void close() {
        client.close();
    }

    @Override
    public String toString() {
        return location(keyPrefix) + " at " + endpoint + " (region " + region + ")";
    }

    private String s3Key(String key) {
        return keyPrefix + ObjectKeys.requireValidKey(key);
    }

    private String location(String s3Key) {
        return "s3://" + bucket + "/" + s3Key;
    }

    private ObjectStoreException failure(String action, String s3Key, SdkException e) {
        return S3Errors.toException(action, bucket, location(s3Key), endpoint, region, e);
    }
}
