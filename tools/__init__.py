"""Developer tools: the sample generator, the browser driver shared by tests and benchmarks, screenshots."""
