package dev.baton.datastore.internal.s3;

import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.scheme.AwsV4AuthScheme;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.scheme.AuthScheme;
import software.amazon.awssdk.http.auth.spi.signer.AsyncSignRequest;
import software.amazon.awssdk.http.auth.spi.signer.AsyncSignedRequest;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignRequest;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.IdentityProvider;
import software.amazon.awssdk.identity.spi.IdentityProviders;

/**
 * SigV4 that sends request bodies as {@code UNSIGNED-PAYLOAD} over plain http too, as the SDK already does for S3
 * over https.
 *
 * <p>Why: over http the SDK insists on hashing every body with SHA-256 (or signing it chunk by chunk), and the
 * server hashes it again to check, which on an S3-compatible server next to the client costs more CPU than moving
 * the bytes. What the hash would protect is covered otherwise: only a body that carries a checksum the server
 * verifies before storing it goes unsigned (Baton puts a CRC32 on every object and part it uploads: accidental
 * corruption), and blobs are content-addressed and verified by their content hash on every read (tampering on
 * the unencrypted wire, which response bodies are exposed to anyway: SigV4 never signs them). Headers, key and
 * credentials stay signed, and so do bodies without a checksum (a multipart completion). Setting
 * {@code s3.signPayloads=true} restores the SDK's behaviour.
 *
 * <p>How: the canonical request that SigV4 signs holds no URL scheme, so the request is signed as if it were
 * https (where the SDK honours {@link AwsV4FamilyHttpSigner#PAYLOAD_SIGNING_ENABLED}) and sent as it was. The
 * {@code Host} value signed is the same either way, as long as the port is equally (non-)standard in both
 * schemes: port 80 is signed as 443, and an http endpoint on port 443 is signed normally.
 */
final class UnsignedPayloadSigner implements HttpSigner<AwsCredentialsIdentity> {
    private static final int HTTP_PORT = 80;
    private static final int HTTPS_PORT = 443;

    private final AwsV4HttpSigner delegate = AwsV4HttpSigner.create();

    /** The SigV4 auth scheme of the SDK with this signer in place of its own. */
    static AuthScheme<AwsCredentialsIdentity> scheme() {
        UnsignedPayloadSigner signer = new UnsignedPayloadSigner();
        return new AuthScheme<>() {
            @Override
            public String schemeId() {
                return AwsV4AuthScheme.SCHEME_ID;
            }

            @Override
            public IdentityProvider<AwsCredentialsIdentity> identityProvider(IdentityProviders providers) {
                return providers.identityProvider(AwsCredentialsIdentity.class);
            }

            @Override
            public HttpSigner<AwsCredentialsIdentity> signer() {
                return signer;
            }
        };
    }

    @Override
    public SignedRequest sign(SignRequest<? extends AwsCredentialsIdentity> request) {
        SdkHttpRequest http = request.request();
        if (!"http".equals(http.protocol()) || request.payload().isEmpty() || http.port() == HTTPS_PORT
                || !carriesChecksum(http)) {
            return delegate.sign(request);
        }
        SdkHttpRequest asHttps = http.toBuilder()
                .protocol("https")
                .port(http.port() == HTTP_PORT ? HTTPS_PORT : http.port())
                .build();
        SignedRequest signed = delegate.sign(request.copy(b -> b
                .request(asHttps)
                .putProperty(AwsV4FamilyHttpSigner.PAYLOAD_SIGNING_ENABLED, false)));
        SdkHttpRequest sent = signed.request().toBuilder().protocol(http.protocol()).port(http.port()).build();
        return signed.copy(b -> b.request(sent));
    }

    /**
     * Whether the body carries a checksum the server verifies before storing it ({@code x-amz-checksum-crc32} and
     * kin, or {@code Content-MD5}): only such a body goes unsigned. Others (a multipart completion's XML) are
     * small and keep the SDK's signature.
     */
    static boolean carriesChecksum(SdkHttpRequest http) {
        for (String name : http.headers().keySet()) {
            String n = name.toLowerCase(Locale.ROOT);
            if (n.equals("content-md5") || (n.startsWith("x-amz-checksum-") && !n.equals("x-amz-checksum-algorithm")
                    && !n.equals("x-amz-checksum-type") && !n.equals("x-amz-checksum-mode"))) {
                return true;
            }
        }
        return false;
    }

    @Override
    public CompletableFuture<AsyncSignedRequest> signAsync(AsyncSignRequest<? extends AwsCredentialsIdentity> request) {
        // Baton's clients are synchronous; an async client keeps the SDK's own behaviour
        return delegate.signAsync(request);
    }
}
