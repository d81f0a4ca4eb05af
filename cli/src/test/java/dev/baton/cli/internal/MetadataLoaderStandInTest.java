package dev.baton.cli.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.ServiceMetadata;
import software.amazon.awssdk.regions.internal.MetadataLoader;

/**
 * Baton's stand-in for the SDK's {@code MetadataLoader} (this module's class of that name, which the fat jar ships
 * instead of the SDK's) against the SDK's own class, loaded from the SDK's jar in a class loader of its own: the same
 * methods, the same answer for every service, region and partition the SDK knows, and the fast path for S3 without
 * the table of every service. A failure here after an SDK upgrade means the stand-in must follow the SDK's class.
 */
class MetadataLoaderStandInTest {
    private static final String LOADER = "software.amazon.awssdk.regions.internal.MetadataLoader";
    private static final String SERVICE_TABLE = "software.amazon.awssdk.regions.GeneratedServiceMetadataProvider";

    /** A class loader over some of the test class path, without the application loader's classes (but SLF4J). */
    private static final class Isolated extends URLClassLoader {
        Isolated(List<URL> urls) {
            super("isolated", urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
        }

        /** SLF4J (which the SDK's utilities log through) from the application, bound to its logging as usual. */
        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (name.startsWith("org.slf4j.")) {
                return MetadataLoaderStandInTest.class.getClassLoader().loadClass(name);
            }
            return super.loadClass(name, resolve);
        }

        boolean hasLoaded(String name) {
            return findLoadedClass(name) != null;
        }
    }

    /** The SDK's jars on the test class path (the stand-in is in this module's classes directory, not among them). */
    private static List<URL> sdkJars() throws MalformedURLException {
        List<URL> jars = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (entry.replace('\\', '/').contains("/software/amazon/awssdk/") && entry.endsWith(".jar")) {
                jars.add(Path.of(entry).toUri().toURL());
            }
        }
        assertFalse(jars.isEmpty(), "no AWS SDK jars on the test class path");
        return jars;
    }

    private static URL standInLocation() {
        return MetadataLoader.class.getProtectionDomain().getCodeSource().getLocation();
    }

    private static Isolated sdkOnly() throws MalformedURLException {
        return new Isolated(sdkJars());
    }

    @Test
    void theTestsRunTheStandInNotTheSdksClass() throws Exception {
        Path location = Path.of(standInLocation().toURI());
        assertTrue(Files.isDirectory(location), "MetadataLoader came from " + location
                + ", not this module's classes: the tests would check the SDK's class against itself");
        try (Isolated sdk = sdkOnly()) {
            Class<?> original = sdk.loadClass(LOADER);
            assertTrue(original.getProtectionDomain().getCodeSource().getLocation().getPath().endsWith(".jar"));
        }
    }

    @Test
    void sameMethodsAsTheSdksClass() throws Exception {
        try (Isolated sdk = sdkOnly()) {
            assertEquals(signatures(sdk.loadClass(LOADER)), signatures(MetadataLoader.class),
                    "the SDK's MetadataLoader changed: make Baton's stand-in (cli) declare the same methods");
        }
    }

    private static TreeSet<String> signatures(Class<?> type) {
        TreeSet<String> out = new TreeSet<>();
        for (Method m : type.getDeclaredMethods()) {
            if (Modifier.isPublic(m.getModifiers()) || Modifier.isProtected(m.getModifiers())) {
                out.add(Modifier.toString(m.getModifiers()) + " " + m.getReturnType().getName() + " " + m.getName()
                        + Arrays.stream(m.getParameterTypes()).map(Class::getName)
                                .collect(Collectors.joining(",", "(", ")")));
            }
        }
        return out;
    }

    @Test
    void everyServiceGetsTheSdksMetadata() throws Exception {
        try (Isolated sdk = sdkOnly()) {
            Class<?> original = sdk.loadClass(LOADER);
            Method serviceMetadata = original.getMethod("serviceMetadata", String.class);
            Field table = sdk.loadClass(SERVICE_TABLE).getDeclaredField("SERVICE_METADATA");
            table.setAccessible(true);
            Map<?, ?> services = (Map<?, ?>) table.get(null);
            assertTrue(services.size() > 100, "the SDK's service table has only " + services.size() + " entries");
            assertTrue(services.containsKey("s3") && services.containsKey("dynamodb"));
            for (Object key : services.keySet()) {
                String prefix = (String) key;
                Object theirs = serviceMetadata.invoke(null, prefix);
                ServiceMetadata ours = MetadataLoader.serviceMetadata(prefix);
                assertNotNull(ours, prefix);
                assertEquals(theirs.getClass().getName(), ours.getClass().getName(), prefix);
            }
            assertNull(serviceMetadata.invoke(null, "no-such-service"));
            assertNull(MetadataLoader.serviceMetadata("no-such-service"));

            // the fast paths answer as the table does, region by region, and always with the same instance
            for (String prefix : List.of("s3", "dynamodb")) {
                Object theirs = serviceMetadata.invoke(null, prefix);
                ServiceMetadata ours = MetadataLoader.serviceMetadata(prefix);
                assertSame(ours, MetadataLoader.serviceMetadata(prefix));
                assertEquals(ids(invoke(theirs, "regions")), ids(ours.regions()), prefix);
                for (Region region : Region.regions()) {
                    Object theirRegion = sdk.loadClass(Region.class.getName()).getMethod("of", String.class)
                            .invoke(null, region.id());
                    Method signingRegion = theirs.getClass().getMethod("signingRegion",
                            sdk.loadClass(Region.class.getName()));
                    signingRegion.setAccessible(true);
                    assertEquals(String.valueOf(signingRegion.invoke(theirs, theirRegion)),
                            String.valueOf(ours.signingRegion(region)), prefix + " in " + region);
                }
            }
        }
    }

    @Test
    void everyRegionAndPartitionAsTheSdk() throws Exception {
        try (Isolated sdk = sdkOnly()) {
            Class<?> original = sdk.loadClass(LOADER);
            Class<?> theirRegionType = sdk.loadClass(Region.class.getName());
            Method regionOf = theirRegionType.getMethod("of", String.class);
            Method regionMetadata = original.getMethod("regionMetadata", theirRegionType);
            Method partitionOfRegion = original.getMethod("partitionMetadata", theirRegionType);
            Method partitionOfName = original.getMethod("partitionMetadata", String.class);
            for (Region region : Region.regions()) {
                Object theirRegion = regionOf.invoke(null, region.id());
                assertEquals(describe(regionMetadata.invoke(null, theirRegion)),
                        describe(MetadataLoader.regionMetadata(region)), region.id());
                assertEquals(describe(partitionOfRegion.invoke(null, theirRegion)),
                        describe(MetadataLoader.partitionMetadata(region)), region.id());
                assertEquals(describe(partitionOfName.invoke(null, region.id())),
                        describe(MetadataLoader.partitionMetadata(region.id())), region.id());
            }
        }
    }

    /** The class and id of a region's or partition's metadata, comparable across class loaders. */
    private static String describe(Object metadata) throws Exception {
        if (metadata == null) {
            return "null";
        }
        return metadata.getClass().getName() + " " + invoke(metadata, "id");
    }

    private static Object invoke(Object target, String method) throws Exception {
        Method m = target.getClass().getMethod(method);
        m.setAccessible(true);
        return m.invoke(target);
    }

    private static List<String> ids(Object regions) {
        return ((List<?>) regions).stream().map(String::valueOf).sorted().toList();
    }

    @Test
    void s3AndDynamoDbDoNotBuildTheTableOfEveryService() throws Exception {
        List<URL> path = new ArrayList<>();
        path.add(standInLocation()); // first: the stand-in, as in the fat jar
        path.addAll(sdkJars());
        try (Isolated task = new Isolated(path)) {
            Method serviceMetadata = task.loadClass(LOADER).getMethod("serviceMetadata", String.class);
            assertTrue(task.loadClass(LOADER).getProtectionDomain().getCodeSource().getLocation()
                    .equals(standInLocation()));
            assertNotNull(serviceMetadata.invoke(null, "s3"));
            assertNotNull(serviceMetadata.invoke(null, "dynamodb"));
            assertFalse(task.hasLoaded(SERVICE_TABLE), "asking for S3's and DynamoDB's metadata loaded " + SERVICE_TABLE);
            // any other service does take the table (and so the check above can see it)
            assertNotNull(serviceMetadata.invoke(null, "batch"));
            assertTrue(task.hasLoaded(SERVICE_TABLE));
        }
    }
}
