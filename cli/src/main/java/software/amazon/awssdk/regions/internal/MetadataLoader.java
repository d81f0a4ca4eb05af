package software.amazon.awssdk.regions.internal;

import software.amazon.awssdk.regions.GeneratedPartitionMetadataProvider;
import software.amazon.awssdk.regions.GeneratedRegionMetadataProvider;
import software.amazon.awssdk.regions.GeneratedServiceMetadataProvider;
import software.amazon.awssdk.regions.PartitionMetadata;
import software.amazon.awssdk.regions.PartitionMetadataProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.RegionMetadata;
import software.amazon.awssdk.regions.RegionMetadataProvider;
import software.amazon.awssdk.regions.ServiceMetadata;
import software.amazon.awssdk.regions.ServiceMetadataProvider;
import software.amazon.awssdk.regions.servicemetadata.DynamodbServiceMetadata;
import software.amazon.awssdk.regions.servicemetadata.EnhancedS3ServiceMetadata;

/**
 * Baton's stand-in for the AWS SDK's class of the same name (module {@code regions}), in the {@code baton} fat jar
 * only: the same methods and the same answers, but each metadata table is built when it is first asked for, and the
 * services a task talks to (S3, DynamoDB) without building the table of every service.
 *
 * <p>Why: every SDK client build asks for its service's signing region ({@code ServiceMetadata.of("s3")}), and the
 * SDK's loader answers from {@code GeneratedServiceMetadataProvider}, whose static initialiser constructs the
 * metadata of all ~310 AWS services (~310 classes loaded and initialised) to look one up. That was 60-90 ms of CPU
 * in every task's process, on the thread that builds the S3 client, which the task waits for.
 *
 * <p>The shade plugin leaves the SDK's own class out of the fat jar (cli/pom.xml), and in this module's tests this
 * class comes first on the class path. {@code MetadataLoaderStandInTest} fails when an SDK upgrade changes the
 * SDK's class (its methods) or its answers (the metadata class of each service, each region's metadata and
 * partition), so an upgrade cannot silently diverge. Outside the fat jar (Baton as a library), the SDK's class runs.
 */
public final class MetadataLoader {
    private MetadataLoader() {}

    /** The region, service and partition tables, each built when first used (a holder class per table). */
    private static final class Regions {
        static final RegionMetadataProvider PROVIDER = new GeneratedRegionMetadataProvider();
    }

    private static final class Services {
        static final ServiceMetadataProvider PROVIDER = new GeneratedServiceMetadataProvider();
    }

    private static final class Partitions {
        static final PartitionMetadataProvider PROVIDER = new GeneratedPartitionMetadataProvider();
    }

    /** The metadata the SDK's table holds for {@code s3}, one instance per process as in the table. */
    private static final class S3 {
        static final ServiceMetadata METADATA = new EnhancedS3ServiceMetadata();
    }

    private static final class DynamoDb {
        static final ServiceMetadata METADATA = new DynamodbServiceMetadata();
    }

    public static PartitionMetadata partitionMetadata(Region region) {
        return Partitions.PROVIDER.partitionMetadata(region);
    }

    public static PartitionMetadata partitionMetadata(String region) {
        return Partitions.PROVIDER.partitionMetadata(region);
    }

    public static RegionMetadata regionMetadata(Region region) {
        return Regions.PROVIDER.regionMetadata(region);
    }

    /** The service's metadata, as the SDK's table has it; {@code null} for an endpoint prefix the SDK does not know. */
    public static ServiceMetadata serviceMetadata(String endpointPrefix) {
        if ("s3".equals(endpointPrefix)) {
            return S3.METADATA;
        }
        if ("dynamodb".equals(endpointPrefix)) {
            return DynamoDb.METADATA;
        }
        return Services.PROVIDER.serviceMetadata(endpointPrefix);
    }
}
