package dev.baton.coordinator.internal;

import dev.baton.coordinator.CoordinatorException;
import dev.baton.flow.BatonException;
import dev.baton.flow.ConfigurationException;
import dev.baton.flow.TransientFailureException;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

/**
 * Maps what the SDK throws, after its own retries, onto Baton's exceptions: a missing table or denied access is a
 * configuration error (exit 2, no retry will help), throttling and server or network failures are transient
 * (exit 3), anything else is a coordinator error naming the operation.
 */
final class DynamoDbErrors {
    /** Error codes meaning the caller's identity or permissions are wrong, not the request. */
    private static final Set<String> ACCESS_CODES = Set.of("AccessDeniedException", "UnrecognizedClientException",
            "InvalidSignatureException", "MissingAuthenticationTokenException", "IncompleteSignatureException",
            "InvalidClientTokenId", "NotAuthorized");

    private DynamoDbErrors() {}

    /** The permissions the coordinator's reads and writes need. */
    static final String DATA_PERMISSIONS =
            "dynamodb:GetItem, dynamodb:PutItem, dynamodb:UpdateItem and dynamodb:BatchGetItem";

    static BatonException translate(SdkException e, String table, String where, String what) {
        return translate(e, table, where, what, DATA_PERMISSIONS);
    }

    /** The exception to throw for {@code e}, raised by the {@code what} that needs {@code permissions}. */
    static BatonException translate(SdkException e, String table, String where, String what, String permissions) {
        if (e instanceof ResourceNotFoundException) {
            return new ConfigurationException("the DynamoDB table '" + table + "' of the foreach coordinator does not"
                    + " exist (" + where + "), needed for the " + what + "; create it with `baton foreach-coordinator"
                    + " create-table --dynamodb-table " + table + "`, or point --dynamodb-table /"
                    + " BATON_DYNAMODB_TABLE at an existing one", e);
        }
        if (e instanceof AwsServiceException service) {
            String code = service.awsErrorDetails() == null ? "" : service.awsErrorDetails().errorCode();
            if (ACCESS_CODES.contains(code) || service.statusCode() == 403) {
                return new ConfigurationException("access to the DynamoDB table '" + table + "' (" + where
                        + ") was denied for the " + what + " (" + code + ": " + service.awsErrorDetails().errorMessage()
                        + "); give the credentials " + permissions + " on the table", e);
            }
            if (service.isThrottlingException() || service.statusCode() >= 500 || service.retryable()
                    || "ExpiredTokenException".equals(code) || "RequestLimitExceeded".equals(code)) {
                return new TransientFailureException("the " + what + " on DynamoDB table '" + table + "' (" + where
                        + ") failed after retries (" + code + "); retry the task", e);
            }
            return new CoordinatorException("the " + what + " was refused by DynamoDB table '" + table + "' ("
                    + where + "): " + code + ": " + e.getMessage(), e);
        }
        if (e instanceof SdkClientException && String.valueOf(e.getMessage()).contains("credentials")) {
            // the SDK reports a failed provider chain only in its message
            return new ConfigurationException("no AWS credentials for the DynamoDB table '" + table + "' (" + where
                    + "): " + e.getMessage() + "; configure credentials (AWS_PROFILE, AWS_ACCESS_KEY_ID, an instance"
                    + " or task role)", e);
        }
        return new TransientFailureException("the " + what + " on DynamoDB table '" + table + "' (" + where
                + ") failed: " + e.getMessage() + "; retry the task", e);
    }
}
