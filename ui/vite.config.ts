import { defineConfig } from "vite";
import solid from "vite-plugin-solid";

// The desktop shell loads the built files; no dev server is used by tests or the app.
export default defineConfig({
  plugins: [solid()],
  clearScreen: false,
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2021",
    sourcemap: true,
  },
});
