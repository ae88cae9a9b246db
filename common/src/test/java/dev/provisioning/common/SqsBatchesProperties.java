package dev.provisioning.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;

class SqsBatchesProperties {

    @Property
    void partition_keepsEveryEntryInOrderInBatchesSqsAccepts(@ForAll @Size(max = 95) List<Integer> entries) {
        List<List<Integer>> batches = SqsBatches.partition(entries);

        assertThat(batches.stream().flatMap(List::stream).toList()).isEqualTo(entries);
        assertThat(batches).allSatisfy(batch -> assertThat(batch).hasSizeBetween(1, SqsBatches.MAX_ENTRIES));
        assertThat(batches).hasSize((entries.size() + 9) / 10);
    }
}
