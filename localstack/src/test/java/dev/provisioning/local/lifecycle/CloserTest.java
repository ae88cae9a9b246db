package dev.provisioning.local.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class CloserTest {

    /** For any resources, some of which fail to close: all are closed, last first; the first failure is the cause. */
    @Property
    void close_closesEveryResourceInReverseOrder_andReportsTheFirstFailureWithTheOthersSuppressed(
            @ForAll @Size(max = 12) List<Boolean> failing) {
        List<Integer> closed = new ArrayList<>();
        List<Exception> thrown = new ArrayList<>();
        Closer closer = new Closer("the test's resources");
        for (int i = 0; i < failing.size(); i++) {
            int index = i;
            boolean fails = failing.get(i);
            closer.register(() -> {
                closed.add(index);
                if (fails) {
                    Exception failure = new Exception("close " + index);
                    thrown.add(failure);
                    throw failure;
                }
            });
        }

        IllegalStateException failure = catchThrowableOfType(IllegalStateException.class, closer::close);

        List<Integer> reversed = new ArrayList<>();
        for (int i = failing.size() - 1; i >= 0; i--) {
            reversed.add(i);
        }
        assertThat(closed).isEqualTo(reversed);
        if (thrown.isEmpty()) {
            assertThat(failure).isNull();
        } else {
            assertThat(failure).hasMessage("Could not stop the test's resources");
            assertThat(failure.getCause()).isSameAs(thrown.get(0));
            assertThat(failure.getSuppressed()).containsExactlyElementsOf(thrown.subList(1, thrown.size()));
        }
    }

    @Property(tries = 100)
    void close_closesEachResourceOnce_whenCalledAgain(@ForAll @Size(max = 5) List<Boolean> failing) {
        List<Integer> closed = new ArrayList<>();
        Closer closer = new Closer("the test's resources");
        for (int i = 0; i < failing.size(); i++) {
            int index = i;
            boolean fails = failing.get(i);
            closer.register(() -> {
                closed.add(index);
                if (fails) {
                    throw new IllegalStateException("close " + index);
                }
            });
        }
        catchThrowableOfType(IllegalStateException.class, closer::close);

        closer.close();

        assertThat(closed).hasSize(failing.size());
    }

    @Test
    void close_keepsTheThreadsInterruptFlag_whenACloseIsInterrupted() {
        Closer closer = new Closer("an interrupted resource");
        closer.register(() -> {
            throw new InterruptedException("stopping");
        });
        try {
            assertThatThrownBy(closer::close)
                    .isInstanceOf(IllegalStateException.class)
                    .hasCauseInstanceOf(InterruptedException.class);
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void register_returnsTheResource() {
        Closer closer = new Closer("one resource");
        AutoCloseable resource = () -> {};

        assertThat(closer.register(resource)).isSameAs(resource);
    }
}
