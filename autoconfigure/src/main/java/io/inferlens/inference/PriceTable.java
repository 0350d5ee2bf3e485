package io.inferlens.inference;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.inferlens.privacy.Secrets;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Prices of models, by model name. A model with no price is warned about once, and its
 * calls record tokens but no cost.
 *
 * @author Inferlens
 */
public final class PriceTable {

    /**
     * A table with no prices.
     */
    public static final PriceTable EMPTY = new PriceTable(Map.of());

    private static final Log logger = LogFactory.getLog(PriceTable.class);

    static final int MAX_WARNED_MODELS = 100;

    private static final int MAX_MODEL_LENGTH_IN_LOG = 120;

    private final Map<String, ModelPrice> prices;

    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    /**
     * Create a table.
     * @param prices the prices, by model name
     */
    public PriceTable(Map<String, ModelPrice> prices) {
        this.prices = Map.copyOf(prices);
    }

    /**
     * The price of a model.
     * @param model the model name
     * @return the price, or {@code null} if the model has none
     */
    public @Nullable ModelPrice price(String model) {
        return this.prices.get(model);
    }

    /**
     * The price of the model that answered, else of the model asked, warning once about a
     * model that has none.
     * @param responseModel the model that answered, or {@code null}
     * @param requestModel the model the request was made to, or {@code null}
     * @return the model and its price, or {@code null} if neither model has a price
     */
    public @Nullable Priced find(@Nullable String responseModel, @Nullable String requestModel) {
        ModelPrice price = priceOf(responseModel, requestModel);
        if (price != null) {
            return new Priced(
                    (responseModel != null && this.prices.get(responseModel) == price) ? responseModel : requestModel,
                    price);
        }
        return null;
    }

    /**
     * The cost of a call: its usage priced at the price of the model that answered, else
     * of the model asked, warning once about a model that has neither.
     * @param usage the call's usage
     * @param responseModel the model that answered, or {@code null}
     * @param requestModel the model the request was made to, or {@code null}
     * @return the cost, or {@code NaN} if no token count is known or neither model has a
     * price
     */
    public double cost(TokenUsage usage, @Nullable String responseModel, @Nullable String requestModel) {
        if (!usage.hasTokens() || this.prices.isEmpty()) {
            return Double.NaN;
        }
        ModelPrice price = priceOf(responseModel, requestModel);
        return (price != null) ? price.cost(usage) : Double.NaN;
    }

    private @Nullable ModelPrice priceOf(@Nullable String responseModel, @Nullable String requestModel) {
        if (responseModel != null) {
            ModelPrice price = this.prices.get(responseModel);
            if (price != null) {
                return price;
            }
        }
        if (requestModel != null) {
            ModelPrice price = this.prices.get(requestModel);
            if (price != null) {
                return price;
            }
        }
        String model = (responseModel != null) ? responseModel : requestModel;
        if (model != null && this.warned.size() < MAX_WARNED_MODELS && this.warned.add(model)) {
            // The name comes from callers or a backend: no secret, no forged line, no
            // flood.
            String shown = Secrets.mask(Secrets.truncate(model, MAX_MODEL_LENGTH_IN_LOG)).replaceAll("\\p{Cntrl}", "?");
            logger.warn("Model '" + shown + "' has no price, so its calls record tokens but no cost; set "
                    + "inferlens.pricing.models[" + shown + "].input and .output (US dollars per million tokens)"
                    + ((this.warned.size() == MAX_WARNED_MODELS) ? ". Further models without a price are not reported"
                            : ""));
        }
        return null;
    }

    /**
     * Whether the table has no prices.
     * @return whether it is empty
     */
    public boolean isEmpty() {
        return this.prices.isEmpty();
    }

    /**
     * A model and its price.
     *
     * @param model the model name
     * @param price its price
     */
    public record Priced(String model, ModelPrice price) {

    }

}
