package io.keybridge.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The metering wrapper stands between keybridge and every store. A method of the SPI it does not pass on falls back to
 * the interface's default and silently ignores the store's own answer (found when the AWS store's request fields were
 * refused as unknown: its {@code location} never ran).
 */
class MeteredDestinationTests {

    @Test
    void everyMethodOfTheSpiIsPassedOnToTheStore() {
        List<String> missing = Arrays.stream(SecretDestination.class.getMethods())
                .filter(method -> !Modifier.isStatic(method.getModifiers()))
                .filter(method -> !declaredByMeteredDestination(method))
                .map(Method::getName)
                .toList();

        assertThat(missing)
                .as("SPI methods MeteredDestination does not override")
                .isEmpty();
    }

    private static boolean declaredByMeteredDestination(Method method) {
        try {
            MeteredDestination.class.getDeclaredMethod(method.getName(), method.getParameterTypes());
            return true;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }
}
