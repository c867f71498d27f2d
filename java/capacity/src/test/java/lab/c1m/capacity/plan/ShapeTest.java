package lab.c1m.capacity.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lab.c1m.common.testing.JsonTree;
import org.junit.jupiter.api.Test;

/** The lab's shapes are the Vagrantfile's defaults, and memory sizes read as -Xmx and clouds write them. */
class ShapeTest {
    private static long vagrantDefault(String text, String key) {
        Matcher m = Pattern.compile("\"" + key + "\"\\s*=>\\s*(\\d+)").matcher(text);
        if (!m.find()) {
            throw new AssertionError("the Vagrantfile has no default for " + key);
        }
        return Long.parseLong(m.group(1));
    }

    @Test
    void theLabsShapesAreTheVagrantfilesDefaults() throws Exception {
        String vagrantfile = Files.readString(JsonTree.repository().resolve("Vagrantfile"));
        assertEquals(vagrantDefault(vagrantfile, "server_memory_mb") << 20, Shape.LAB_SERVER.memoryBytes());
        assertEquals(vagrantDefault(vagrantfile, "server_cpus"), Shape.LAB_SERVER.cpus());
        assertEquals(vagrantDefault(vagrantfile, "client_memory_mb") << 20, Shape.LAB_CLIENT.memoryBytes());
        assertEquals(vagrantDefault(vagrantfile, "client_cpus"), Shape.LAB_CLIENT.cpus());
    }

    @Test
    void standardShapesGrowFromTheLabsVm() {
        var shapes = Shape.standard(Shape.LAB_SERVER);
        assertEquals(Shape.LAB_SERVER, shapes.get(0));
        assertEquals(8L << 30, shapes.get(1).memoryBytes());
        assertEquals(1L << 40, shapes.get(shapes.size() - 1).memoryBytes());
        assertEquals(256, shapes.get(shapes.size() - 1).cpus());
    }

    @Test
    void memorySizes() {
        assertEquals(64L << 30, Shape.parseMemory("64g"));
        assertEquals(64L << 30, Shape.parseMemory("64GiB"));
        assertEquals(6144L << 20, Shape.parseMemory("6144m"));
        assertEquals(16L << 30, Shape.parseMemory("16GB"));
        assertThrows(IllegalArgumentException.class, () -> Shape.parseMemory("lots"));
    }
}
