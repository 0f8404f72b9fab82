console.log(`hello from ${process.arch}`);
