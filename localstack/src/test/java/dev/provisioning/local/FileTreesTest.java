package dev.provisioning.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileTreesTest {

    @Test
    void delete_whenNestedTree_removesEverythingAndReportsNothingLeft(@TempDir Path dir) throws Exception {
        Path root = dir.resolve("sandbox");
        Files.createDirectories(root.resolve("a/b"));
        Files.writeString(root.resolve("a/b/file.txt"), "x");
        Files.writeString(root.resolve("top.txt"), "y");

        assertThat(FileTrees.delete(root)).isEmpty();
        assertThat(root).doesNotExist();
    }

    @Test
    void delete_whenMissing_isANoOp(@TempDir Path dir) {
        assertThat(FileTrees.delete(dir.resolve("never-created"))).isEmpty();
    }
}
