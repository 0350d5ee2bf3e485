package io.inferlens.sample.assistant;

import org.springframework.ai.tool.annotation.Tool;
import org.springframework.ai.tool.annotation.ToolParam;
import org.springframework.stereotype.Component;

/**
 * The assistant's one tool. Spring AI observes each execution; Inferlens makes it an
 * {@code execute_tool current_weather} span and times it by tool.
 *
 * @author Inferlens
 */
@Component
public class WeatherTools {

    /**
     * The current weather of a city, made up.
     * @param city the city
     * @return the weather
     */
    @Tool(name = "current_weather", description = "The current weather of a city")
    public String currentWeather(@ToolParam(description = "The city") String city) {
        if (city.isBlank()) {
            throw new IllegalArgumentException("No city given");
        }
        return "Sunny and 21 degrees in " + city;
    }

}
