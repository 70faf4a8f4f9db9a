package io.sonde.stream.processor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeviceIdDeserializerTest {
    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void theSameIdComesBackAsTheSameInstanceAndNullStaysNull() {
        DeviceIdDeserializer keys = new DeviceIdDeserializer();
        String first = keys.deserialize("t", utf8("dev-1"));
        assertThat(first).isEqualTo("dev-1");
        assertThat(keys.deserialize("t", utf8("dev-1"))).isSameAs(first);
        assertThat(keys.deserialize("t", utf8("dev-2"))).isEqualTo("dev-2");
        assertThat(keys.deserialize("t", null)).isNull();
        assertThat(keys.deserialize("t", utf8("gerät-ü"))).isEqualTo("gerät-ü");
    }

    @Test
    void idsSharingASlotEachDecodeToThemselves() {
        DeviceIdDeserializer keys = new DeviceIdDeserializer();
        Map<Integer, String> bySlot = new HashMap<>();
        String a = null;
        String b = null;
        for (int i = 0; a == null; i++) {
            String id = "device-" + i;
            String other =
                    bySlot.putIfAbsent(
                            Arrays.hashCode(utf8(id)) & (DeviceIdDeserializer.SLOTS - 1), id);
            if (other != null) {
                a = other;
                b = id;
            }
        }
        for (int round = 0; round < 3; round++) {
            assertThat(keys.deserialize("t", utf8(a))).isEqualTo(a);
            assertThat(keys.deserialize("t", utf8(b))).isEqualTo(b);
        }
    }

    @Test
    void theCallersArrayChangingLaterDoesNotChangeTheCachedId() {
        DeviceIdDeserializer keys = new DeviceIdDeserializer();
        byte[] bytes = utf8("dev-1");
        keys.deserialize("t", bytes);
        bytes[4] = '9';
        assertThat(keys.deserialize("t", utf8("dev-1"))).isEqualTo("dev-1");
        assertThat(keys.deserialize("t", bytes)).isEqualTo("dev-9");
    }
}
