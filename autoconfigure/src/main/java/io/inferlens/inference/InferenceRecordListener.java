package io.inferlens.inference;

/**
 * Told of every model call once it ended, whoever observed it. Beans of this type are
 * called in order by the {@link InferenceRecordPublisher}; one that throws is logged once
 * and the others, and the call, are unaffected.
 *
 * @author Inferlens
 */
@FunctionalInterface
public interface InferenceRecordListener {

    /**
     * A model call ended.
     * @param record what it was
     */
    void onInference(InferenceRecord record);

}
