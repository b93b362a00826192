package io.gravix.store;

import io.gravix.store.ObjectStoreException.Reason;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;

/**
 * Turns what the S3 SDK throws (after its retries) into an {@link ObjectStoreException}
 * whose message names the operation, bucket and key, says what to fix, and carries the
 * S3 error code, HTTP status and request id. Credentials never appear: the SDK's
 * messages hold none, and the raw error body (which can echo the access key id and the
 * string that was signed) is not copied.
 */
final class S3Errors {
    private static final Set<String> BAD_CREDENTIALS = Set.of(
            "InvalidAccessKeyId", "SignatureDoesNotMatch", "InvalidToken", "ExpiredToken", "TokenRefreshRequired",
            "InvalidSecurity");
    private static final Set<String> ACCESS_DENIED = Set.of("AccessDenied", "AllAccessDisabled", "AccountProblem");
    private static final Set<String> WRONG_REGION = Set.of(
            "PermanentRedirect", "AuthorizationHeaderMalformed", "IllegalLocationConstraintException", "Redirect");

    private S3Errors() {}

    /**
     * @param action what was attempted ("put", "open", "list", ...)
     * @param location {@code s3://bucket/key} (or the listed prefix)
     */
    static ObjectStoreException toException(String action, String bucket, String location, String endpoint, String region, SdkException e) {
        if (e instanceof AwsServiceException service) {
            String code = service.awsErrorDetails() == null ? null : service.awsErrorDetails().errorCode();
            int status = service.statusCode();
            Reason reason = reason(service, code, status);
            String details = " [" + (code == null || code.isEmpty() ? "" : code + ", ") + "HTTP " + status
                    + (service.requestId() == null ? "" : ", request id " + service.requestId()) + "]";
            return new ObjectStoreException(reason,
                    action + " " + location + " failed: " + explain(reason, bucket, endpoint, region, service) + details, e);
        }
        if (e instanceof SdkClientException && e.getMessage() != null && e.getMessage().startsWith("Unable to load credentials")) {
            return new ObjectStoreException(Reason.BAD_CREDENTIALS, action + " " + location
                    + " failed: no S3 credentials found (set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or a profile or role the AWS SDK's default chain finds)", e);
        }
        if (e instanceof SdkClientException) {
            return new ObjectStoreException(Reason.UNAVAILABLE,
                    action + " " + location + " failed: no answer from " + endpoint + " after every retry: " + e.getMessage(), e);
        }
        return new ObjectStoreException(Reason.FAILED, action + " " + location + " failed: " + e.getMessage(), e);
    }

    private static Reason reason(AwsServiceException e, String code, int status) {
        if (e instanceof NoSuchBucketException || "NoSuchBucket".equals(code)) {
            return Reason.NO_SUCH_BUCKET;
        }
        if (code != null && BAD_CREDENTIALS.contains(code)) {
            return Reason.BAD_CREDENTIALS;
        }
        if (code != null && WRONG_REGION.contains(code) || status == 301) {
            return Reason.WRONG_REGION;
        }
        if (code != null && ACCESS_DENIED.contains(code) || status == 403) {
            return Reason.ACCESS_DENIED;
        }
        if (status >= 500 || e.isThrottlingException()) {
            return Reason.UNAVAILABLE;
        }
        return Reason.FAILED;
    }

    private static String explain(Reason reason, String bucket, String endpoint, String region, AwsServiceException e) {
        switch (reason) {
            case NO_SUCH_BUCKET:
                return "bucket '" + bucket + "' does not exist at " + endpoint + " (create it, or fix store.bucket / GRAVIX_S3_BUCKET)";
            case BAD_CREDENTIALS:
                return "the store rejected the credentials for bucket '" + bucket
                        + "' (check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or the profile or role the AWS SDK's default chain uses)";
            case ACCESS_DENIED:
                return "access to bucket '" + bucket + "' denied: the credentials are not allowed to do this (or are not valid for it)";
            case WRONG_REGION:
                return "bucket '" + bucket + "' is not in region " + region + " (fix store.region / GRAVIX_S3_REGION)";
            case UNAVAILABLE:
                return "the store at " + endpoint + " kept failing after every retry";
            default:
                return e.awsErrorDetails() != null && e.awsErrorDetails().errorMessage() != null
                        ? e.awsErrorDetails().errorMessage() : String.valueOf(e.getMessage());
        }
    }
}
