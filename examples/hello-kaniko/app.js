console.log("Hello from Kaniko on Buildkite!");
