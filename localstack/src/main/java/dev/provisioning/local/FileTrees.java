package dev.provisioning.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** The harness's one way to remove a working directory it created (a sandbox, cognito-local's data). */
public final class FileTrees {

    private FileTrees() {}

    /**
     * Deletes {@code root} and everything under it, deepest first, best effort: a path that cannot be deleted is
     * skipped and reported, never thrown, so a close() that cleans up still closes everything else.
     *
     * @return the paths left behind; empty when the tree is gone (or never existed)
     */
    public static List<Path> delete(Path root) {
        List<Path> left = new ArrayList<>();
        if (!Files.exists(root)) {
            return left;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    left.add(path);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            left.add(root);
        }
        return left;
    }
}
