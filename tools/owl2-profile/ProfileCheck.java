/*
 * The OWL 2 DL profile check of the OWL API (Debian's libowlapi-java 5.1.20).
 *
 * Reads one RDF document in Turtle or N-Triples (check.py writes the union of the files it
 * is given as N-Triples) with the OWL API's own Turtle parser, and prints every OWL 2 DL
 * profile violation, one per line: its kind, a tab, the OWL API's description. Triples the
 * parser could not map to OWL axioms are printed as UnparsedTriple lines and counted too,
 * since a graph that is the RDF mapping of an OWL 2 DL ontology has none.
 *
 * The document's owl:imports are never followed (check.py removes them and reports them;
 * here every import resolves to nothing, so no file or URL is ever opened for one).
 *
 * Run directly from source (Java 11 or newer compiles it in memory):
 *     java -cp JARS tools/owl2-profile/ProfileCheck.java FILE
 * The last line is "violations N"; the exit code is 0 when N is 0, 1 otherwise, 2 when the
 * file could not be read.
 */

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import org.semanticweb.owlapi.apibinding.OWLManager;
import org.semanticweb.owlapi.formats.TurtleDocumentFormat;
import org.semanticweb.owlapi.io.FileDocumentSource;
import org.semanticweb.owlapi.io.RDFParserMetaData;
import org.semanticweb.owlapi.model.MissingImportHandlingStrategy;
import org.semanticweb.owlapi.model.OWLDocumentFormat;
import org.semanticweb.owlapi.model.OWLOntology;
import org.semanticweb.owlapi.model.OWLOntologyCreationException;
import org.semanticweb.owlapi.model.OWLOntologyLoaderConfiguration;
import org.semanticweb.owlapi.model.OWLOntologyManager;
import org.semanticweb.owlapi.profiles.OWL2DLProfile;
import org.semanticweb.owlapi.profiles.OWLProfileViolation;

public class ProfileCheck {
    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: java -cp JARS ProfileCheck.java FILE (Turtle or N-Triples)");
            System.exit(2);
        }
        OWLOntologyManager manager = OWLManager.createOWLOntologyManager();
        manager.getIRIMappers().clear();
        manager.getIRIMappers().add(iri -> null); // an import maps to no document: never loaded
        OWLOntologyLoaderConfiguration config = new OWLOntologyLoaderConfiguration()
                .setMissingImportHandlingStrategy(MissingImportHandlingStrategy.SILENT);
        OWLOntology ontology;
        try {
            ontology = manager.loadOntologyFromOntologyDocument(
                    new FileDocumentSource(new File(args[0]), new TurtleDocumentFormat()), config);
        } catch (OWLOntologyCreationException e) {
            System.err.println("cannot read " + args[0] + ": " + e.getMessage());
            System.exit(2);
            return;
        }
        List<String> problems = new ArrayList<>();
        OWLDocumentFormat format = manager.getOntologyFormat(ontology);
        if (format != null && format.getOntologyLoaderMetaData().isPresent()) {
            RDFParserMetaData meta = (RDFParserMetaData) format.getOntologyLoaderMetaData().get();
            meta.getUnparsedTriples().forEach(t -> problems.add("UnparsedTriple\t" + t));
        }
        for (OWLProfileViolation v : new OWL2DLProfile().checkOntology(ontology).getViolations()) {
            problems.add(v.getClass().getSimpleName() + "\t" + v.toString().replace('\n', ' '));
        }
        problems.forEach(System.out::println);
        System.out.println("axioms " + ontology.getAxiomCount());
        System.out.println("violations " + problems.size());
        System.exit(problems.isEmpty() ? 0 : 1);
    }
}
