package io.inferlens.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import io.inferlens.architecture.fixture.SpringDependentCoreClass;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rules of {@link ArchitectureTests} report a violation when there is one: a core
 * class that imports Spring fails them.
 *
 * @author Inferlens
 */
class ArchitectureRulesTests {

    @Test
    void coreClassImportingSpringIsReported() {
        JavaClasses violating = new ClassFileImporter().importClasses(SpringDependentCoreClass.class);
        assertThat(ArchitectureTests.coreImportsNoSpringServletOrAspectJ.evaluate(violating).hasViolation()).isTrue();
        assertThat(
                ArchitectureTests.coreImportsNoSpringServletOrAspectJ.evaluate(violating).getFailureReport().toString())
            .contains(SpringDependentCoreClass.class.getName())
            .contains("org.springframework.util.StringUtils");
    }

}
