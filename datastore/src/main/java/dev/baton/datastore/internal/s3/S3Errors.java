package dev.baton.datastore.internal.s3;

import dev.baton.flow.BatonException;
import dev.baton.flow.ConfigurationException;
import dev.baton.flow.TransientFailureException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Turns SDK failures into Baton's two kinds: {@link ConfigurationException} for what retrying cannot fix (a
 * missing bucket, bad credentials, a denied request, a wrong region) and {@link TransientFailureException} for
 * what is left after the SDK's own retries (throttling, 5xx, network errors). Messages name the bucket and key,
 * the operation and the likely fix.
 */
final class S3Errors {
    private S3Errors() {}

    static BatonException translate(String operation, String bucket, String key, Throwable failure) {
        String where = "s3://" + bucket + "/" + key;
        if (failure instanceof BatonException b) {
            return b;
        }
        if (failure instanceof S3Exception e) {
            return fromStatus(operation, bucket, where, e.statusCode(), errorCode(e), e);
        }
        if (failure instanceof SdkClientException e) {
            String m = String.valueOf(e.getMessage());
            if (m.contains("Unable to load credentials") || m.contains("credentials")
                    && (m.contains("Unable to load") || m.contains("Failed to load"))) {
                return new ConfigurationException("no AWS credentials found to " + operation + " " + where
                        + ": set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run where an instance or"
                        + " task role is available", e);
            }
            if (m.contains("Unable to load region")) {
                return new ConfigurationException("no AWS region configured to " + operation + " " + where
                        + ": set AWS_REGION (or region in ~/.aws/config)", e);
            }
            return new TransientFailureException("could not " + operation + " " + where + " after retries ("
                    + rootMessage(e) + "): the network or the S3 endpoint failed; retry the task", e);
        }
        if (failure instanceof SdkException e) {
            return new TransientFailureException("could not " + operation + " " + where + ": " + rootMessage(e)
                    + "; retry the task", e);
        }
        if (failure instanceof InterruptedIOException || failure instanceof InterruptedException) {
            return new TransientFailureException("interrupted while trying to " + operation + " " + where, failure);
        }
        if (failure instanceof IOException || failure instanceof UncheckedIOException) {
            return new TransientFailureException("could not " + operation + " " + where + " (" + rootMessage(failure)
                    + "): the network or the S3 endpoint failed; retry the task", failure);
        }
        return new BatonException("unexpected failure to " + operation + " " + where + ": " + failure, failure);
    }

    private static BatonException fromStatus(
            String operation, String bucket, String where, int status, String code, S3Exception e) {
        String what = "cannot " + operation + " " + where + " (HTTP " + status + (code.isEmpty() ? "" : " " + code)
                + ")";
        switch (code) {
            case "NoSuchBucket":
                return new ConfigurationException(what + ": bucket '" + bucket + "' does not exist; create it or fix"
                        + " --datastore-root (BATON_DATASTORE_ROOT)", e);
            case "InvalidAccessKeyId":
            case "SignatureDoesNotMatch":
            case "InvalidToken":
            case "ExpiredToken":
            case "TokenRefreshRequired":
                return new ConfigurationException(what + ": the AWS credentials are wrong or expired; check"
                        + " AWS_PROFILE / AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (or refresh the session)", e);
            case "AccessDenied":
            case "AllAccessDisabled":
                return new ConfigurationException(what + ": access denied; grant the role s3:GetObject, s3:PutObject"
                        + " and s3:ListBucket on bucket '" + bucket + "' (and kms:GenerateDataKey/kms:Decrypt when"
                        + " SSE-KMS is on)", e);
            case "PermanentRedirect":
            case "AuthorizationHeaderMalformed":
            case "IllegalLocationConstraintException":
                return new ConfigurationException(what + ": bucket '" + bucket + "' is in another region; set"
                        + " AWS_REGION (or the setting s3.region) to the bucket's region", e);
            case "KMS.NotFoundException":
            case "KMS.DisabledException":
            case "InvalidArgument":
            case "InvalidStorageClass":
            case "InvalidEncryptionAlgorithmError":
                return new ConfigurationException(what + ": the server refused the request's settings ("
                        + e.awsErrorDetails().errorMessage() + "); check s3.sse, s3.kmsKeyId and s3.storageClass", e);
            default:
                break;
        }
        if (status == 403) {
            // HEAD responses carry no error code: 403 is either bad credentials or a missing permission
            return new ConfigurationException(what + ": forbidden; check the AWS credentials (AWS_PROFILE,"
                    + " AWS_ACCESS_KEY_ID) and that they may read, write and list bucket '" + bucket + "'", e);
        }
        if (status == 301) {
            return new ConfigurationException(what + ": bucket '" + bucket + "' is in another region; set AWS_REGION"
                    + " (or the setting s3.region) to the bucket's region", e);
        }
        if (status >= 500 || status == 429 || status == 408 || "SlowDown".equals(code)
                || "RequestTimeout".equals(code) || "Throttling".equals(code)) {
            return new TransientFailureException(what + " after retries: S3 is throttling or failing; retry the task",
                    e);
        }
        return new ConfigurationException(what + ": " + (e.awsErrorDetails() == null ? e.getMessage()
                : e.awsErrorDetails().errorMessage()), e);
    }

    static String errorCode(S3Exception e) {
        return e.awsErrorDetails() == null || e.awsErrorDetails().errorCode() == null
                ? ""
                : e.awsErrorDetails().errorCode();
    }

    private static String rootMessage(Throwable t) {
        Throwable r = t;
        while (r.getCause() != null && r.getCause() != r) {
            r = r.getCause();
        }
        return r == t ? String.valueOf(t.getMessage()) : t.getMessage() + "; caused by " + r;
    }
}
