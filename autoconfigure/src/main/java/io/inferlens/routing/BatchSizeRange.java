package io.inferlens.routing;

/**
 * Ranges of batch sizes and candidate counts, the {@code batch_size_range} tag: a few
 * fixed values rather than the size itself, so that the number of series stays bounded.
 *
 * @author Inferlens
 */
public enum BatchSizeRange {

    /**
     * Up to 10 (sizes below 1 fall here too).
     */
    UP_TO_10("1-10"),

    /**
     * From 11 to 50.
     */
    UP_TO_50("11-50"),

    /**
     * From 51 to 100.
     */
    UP_TO_100("51-100"),

    /**
     * More than 100.
     */
    OVER_100("100+");

    private final String value;

    BatchSizeRange(String value) {
        this.value = value;
    }

    /**
     * The tag value: {@code 1-10}, {@code 11-50}, {@code 51-100} or {@code 100+}.
     * @return the tag value
     */
    public String getValue() {
        return this.value;
    }

    /**
     * The range a size falls in.
     * @param size the batch size or candidate count
     * @return its range
     */
    public static BatchSizeRange of(int size) {
        if (size <= 10) {
            return UP_TO_10;
        }
        if (size <= 50) {
            return UP_TO_50;
        }
        return (size <= 100) ? UP_TO_100 : OVER_100;
    }

}
