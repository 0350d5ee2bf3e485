package io.inferlens.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import io.inferlens.architecture.fixture.SpringDependentCoreClass;
import io.inferlens.architecture.fixture.WiringDependentCoreClass;
import io.inferlens.spring.aop.TracedMethodInterceptor;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rules of {@link ArchitectureTests} report a violation when there is one: a core
 * class that imports Spring, or that depends on a Spring-facing class, fails them.
 *
 * @author Inferlens
 */
class ArchitectureRulesTests {

    @Test
    void coreClassDependingOnASpringFacingClassIsReportedByTheLayerRules() {
        JavaClasses violating = new ClassFileImporter().importClasses(WiringDependentCoreClass.class,
                TracedMethodInterceptor.class);
        assertThat(ArchitectureTests.coreDoesNotDependOnSpringFacingClassesOrWiring.evaluate(violating).hasViolation())
            .isTrue();
        assertThat(ArchitectureTests.layersAreRespected.evaluate(violating).getFailureReport().toString())
            .contains(WiringDependentCoreClass.class.getName())
            .contains(TracedMethodInterceptor.class.getName());
    }

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
