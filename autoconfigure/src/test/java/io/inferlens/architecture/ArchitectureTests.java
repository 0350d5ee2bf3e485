package io.inferlens.architecture;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfiguration;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static org.assertj.core.api.Assertions.assertThat;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The boundary between Inferlens' instrumentation core and its Spring-facing classes, as
 * rules that fail the build:
 * <ul>
 * <li>the core ({@code io.inferlens.<concern>}: annotations, observations, records,
 * stores, privacy, propagation) imports nothing of Spring, the Servlet API or AspectJ,
 * and depends neither on the Spring-facing classes ({@code io.inferlens.spring.*}) nor on
 * the wiring ({@code io.inferlens.autoconfigure.*});</li>
 * <li>the Spring-facing classes do not depend on the wiring;</li>
 * <li>no package of any of the three layers is in a cycle with another;</li>
 * <li>auto-configurations are final and annotated with {@link AutoConfiguration}.</li>
 * </ul>
 * Only main classes are analyzed: tests may use Spring to test the core. Each rule is
 * checked by a JUnit test of its own rather than through ArchUnit's JUnit engine, whose
 * results Maven Surefire 3.5 neither counts nor fails the build on (seen here: a rule
 * that had to fail passed, with "Tests run: 0").
 *
 * @author Inferlens
 */
class ArchitectureTests {

    private static final JavaClasses CLASSES = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("io.inferlens");

    private static final String SPRING_FACING = "io.inferlens.spring..";

    private static final String WIRING = "io.inferlens.autoconfigure..";

    private static final DescribedPredicate<JavaClass> CORE = resideInAPackage("io.inferlens..")
        .and(not(resideInAnyPackage(SPRING_FACING, WIRING)))
        .as("the instrumentation core (io.inferlens.<concern>)");

    static final ArchRule coreImportsNoSpringServletOrAspectJ = noClasses().that(CORE)
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("org.springframework..", "jakarta.servlet..", "org.aspectj..")
        .because("the core must be usable and testable without Spring; Spring-facing code lives in "
                + "io.inferlens.spring.* and io.inferlens.autoconfigure.*");

    static final ArchRule coreDoesNotDependOnSpringFacingClassesOrWiring = noClasses().that(CORE)
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(SPRING_FACING, WIRING)
        .because("the core is the bottom layer");

    static final ArchRule layersAreRespected = layeredArchitecture().consideringOnlyDependenciesInLayers()
        .layer("Core")
        .definedBy(CORE)
        .layer("Spring-facing")
        .definedBy(SPRING_FACING)
        .layer("Auto-configuration")
        .definedBy(WIRING)
        .whereLayer("Auto-configuration")
        .mayNotBeAccessedByAnyLayer()
        .whereLayer("Spring-facing")
        .mayOnlyBeAccessedByLayers("Auto-configuration");

    static final ArchRule corePackagesAreFreeOfCycles = slices().matching("io.inferlens.(*)..")
        .should()
        .beFreeOfCycles();

    static final ArchRule springFacingPackagesAreFreeOfCycles = slices().matching("io.inferlens.spring.(*)..")
        .should()
        .beFreeOfCycles();

    static final ArchRule autoConfigurationPackagesAreFreeOfCycles = slices()
        .matching("io.inferlens.autoconfigure.(*)..")
        .should()
        .beFreeOfCycles();

    static final ArchRule autoConfigurationsAreFinalAndAnnotated = classes().that()
        .resideInAPackage(WIRING)
        .and()
        .haveSimpleNameEndingWith("AutoConfiguration")
        .should()
        .beAnnotatedWith(AutoConfiguration.class)
        .andShould()
        .haveModifier(JavaModifier.FINAL);

    @Test
    void coreImportsNoSpringServletOrAspectJ() {
        coreImportsNoSpringServletOrAspectJ.check(CLASSES);
    }

    @Test
    void coreDoesNotDependOnSpringFacingClassesOrWiring() {
        coreDoesNotDependOnSpringFacingClassesOrWiring.check(CLASSES);
    }

    @Test
    void layersAreRespected() {
        layersAreRespected.check(CLASSES);
    }

    @Test
    void corePackagesAreFreeOfCycles() {
        corePackagesAreFreeOfCycles.check(CLASSES);
    }

    @Test
    void springFacingPackagesAreFreeOfCycles() {
        springFacingPackagesAreFreeOfCycles.check(CLASSES);
    }

    @Test
    void autoConfigurationPackagesAreFreeOfCycles() {
        autoConfigurationPackagesAreFreeOfCycles.check(CLASSES);
    }

    @Test
    void autoConfigurationsAreFinalAndAnnotated() {
        autoConfigurationsAreFinalAndAnnotated.check(CLASSES);
    }

    @Test
    void theCoreAndTheSpringFacingLayerHaveClasses() {
        // the rules above hold vacuously for layers that are empty
        assertThat(CLASSES.that(CORE)).hasSizeGreaterThan(100);
        assertThat(CLASSES.that(resideInAPackage(SPRING_FACING))).hasSizeGreaterThan(10);
        assertThat(CLASSES.that(resideInAPackage(WIRING))).hasSizeGreaterThan(10);
    }

}
